using System.Text.Json.Serialization;

namespace Workflows.Templates;

/// <summary>
/// A condition on the application: form answers, the applicant's electronic licences, and outputs of items
/// already approved. Used for inclusion (<see cref="ItemDefinition.IncludeWhen"/>) and for rules.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(FieldEquals), "fieldEquals")]
[JsonDerivedType(typeof(FieldIn), "fieldIn")]
[JsonDerivedType(typeof(FieldCompare), "fieldCompare")]
[JsonDerivedType(typeof(FieldPresent), "fieldPresent")]
[JsonDerivedType(typeof(HasLicence), "hasLicence")]
[JsonDerivedType(typeof(OutputEquals), "outputEquals")]
[JsonDerivedType(typeof(AllOf), "all")]
[JsonDerivedType(typeof(AnyOf), "any")]
[JsonDerivedType(typeof(NotCondition), "not")]
public abstract record Condition;

/// <summary>The answer to a field equals a value (compared as text, numbers and booleans normalised).</summary>
/// <param name="Field">The field's key.</param>
/// <param name="Value">The value.</param>
public sealed record FieldEquals(string Field, string Value) : Condition;

/// <summary>The answer to a field is one of the values.</summary>
/// <param name="Field">The field's key.</param>
/// <param name="Values">The values.</param>
public sealed record FieldIn(string Field, IReadOnlyList<string> Values) : Condition;

/// <summary>A numeric answer compared with a number.</summary>
/// <param name="Field">The field's key (a number field).</param>
/// <param name="Comparison">How to compare.</param>
/// <param name="Value">The number.</param>
public sealed record FieldCompare(string Field, Comparison Comparison, decimal Value) : Condition;

/// <summary>The field has an answer.</summary>
/// <param name="Field">The field's key.</param>
public sealed record FieldPresent(string Field) : Condition;

/// <summary>The applicant holds a valid electronic licence of the type.</summary>
/// <param name="LicenceType">The licence type, from the catalog.</param>
public sealed record HasLicence(string LicenceType) : Condition;

/// <summary>An approved item's output has the value.</summary>
/// <param name="Item">The item's key (must be a prerequisite of the item whose condition this is).</param>
/// <param name="Output">The output's key.</param>
/// <param name="Value">The value.</param>
public sealed record OutputEquals(string Item, string Output, string Value) : Condition;

/// <summary>Every condition holds.</summary>
/// <param name="Conditions">The conditions.</param>
public sealed record AllOf(IReadOnlyList<Condition> Conditions) : Condition;

/// <summary>At least one condition holds.</summary>
/// <param name="Conditions">The conditions.</param>
public sealed record AnyOf(IReadOnlyList<Condition> Conditions) : Condition;

/// <summary>The condition does not hold.</summary>
/// <param name="Condition">The condition.</param>
public sealed record NotCondition(Condition Condition) : Condition;

/// <summary>A numeric comparison.</summary>
public enum Comparison
{
    /// <summary>Less than.</summary>
    LessThan,

    /// <summary>Less than or equal.</summary>
    AtMost,

    /// <summary>Greater than.</summary>
    GreaterThan,

    /// <summary>Greater than or equal.</summary>
    AtLeast,
}
