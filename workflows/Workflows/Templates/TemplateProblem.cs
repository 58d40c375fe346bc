using System.Text.Json.Serialization;

namespace Workflows.Templates;

/// <summary>One thing wrong with a template, located so an administrator can fix it.</summary>
/// <param name="Path">Where: a JSON path such as <c>$.items[birth].dependsOn[0]</c> (items, fields and materials by key).</param>
/// <param name="Code">A stable code for the rule broken, e.g. <c>item.dependsOn.unknown</c>.</param>
/// <param name="Message">What is wrong, in a sentence; in an answer, in the request's language.</param>
/// <param name="MessageZh">The same in Chinese where <c>Message</c> is the English the validator writes (exceptions, logs and tests read
/// that), which the API shows by default (<see cref="Localized"/>); null where there is none. Not
/// serialized: an answer carries one <c>message</c> in the request's language.</param>
public sealed record TemplateProblem(string Path, string Code, string Message, [property: JsonIgnore] string? MessageZh = null)
{
    /// <summary>The problem as a reader of the API sees it: its message in the request's language, one language.</summary>
    /// <returns>The problem.</returns>
    public TemplateProblem Localized() => this with { Message = In(Api.ApiLanguage.English), MessageZh = null };

    /// <summary>The message in a language: Chinese unless <paramref name="english"/>, and the English where there is no Chinese.</summary>
    /// <param name="english">Whether the reader asked for English.</param>
    /// <returns>The message.</returns>
    public string In(bool english) => english || string.IsNullOrWhiteSpace(MessageZh) ? Message : MessageZh;
}
