namespace Workflows.Templates;

/// <summary>One thing wrong with a template, located so an administrator can fix it.</summary>
/// <param name="Path">Where: a JSON path such as <c>$.items[birth].dependsOn[0]</c> (items, fields and materials by key).</param>
/// <param name="Code">A stable code for the rule broken, e.g. <c>item.dependsOn.unknown</c>.</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record TemplateProblem(string Path, string Code, string Message);
