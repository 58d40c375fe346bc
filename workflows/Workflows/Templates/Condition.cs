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
[JsonDerivedType(typeof(FieldBetween), "fieldBetween")]
[JsonDerivedType(typeof(FieldIncludes), "fieldIncludes")]
[JsonDerivedType(typeof(DateCompare), "dateCompare")]
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

/// <summary>A numeric answer lies in a range, both ends included; an end left out is open.</summary>
/// <param name="Field">The field's key (a number field).</param>
/// <param name="Min">The smallest number that holds; absent: no lower end.</param>
/// <param name="Max">The largest number that holds; absent: no upper end.</param>
public sealed record FieldBetween(string Field, decimal? Min = null, decimal? Max = null) : Condition;

/// <summary>The answer to a multi-choice field includes an option.</summary>
/// <param name="Field">The field's key (a multi-choice field).</param>
/// <param name="Value">The option.</param>
public sealed record FieldIncludes(string Field, string Value) : Condition;

/// <summary>
/// A date answer compared with another date answer or with the submission's date, optionally moved by a number of
/// calendar or working days (working days from the application's pinned calendar). Members left at their default are
/// not written, so a template written back reads as its author wrote it.
/// </summary>
/// <param name="Field">The field's key (a date field).</param>
/// <param name="Relation">Before, after or within.</param>
/// <param name="Of">The date compared with: <c>submission</c> (the date the application is submitted) or another date field's key.</param>
/// <param name="Days">How far: before means earlier than <paramref name="Of"/> moved back by this many days, after
/// later than it moved forward, within no further from it than this many days either side. 0 by default.</param>
/// <param name="Count">Whether <paramref name="Days"/> counts calendar days (default) or working days.</param>
/// <param name="Years">Whole years <paramref name="Of"/> is moved by first, with <paramref name="Months"/> (an age: "60 years
/// before the retirement date"); days then move from there. 0 by default.</param>
/// <param name="Months">Calendar months moved by with the years (a retirement age of 60 years and 3 months). 0 by default.</param>
public sealed record DateCompare(
    string Field,
    DateRelation Relation,
    string Of,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Days = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] DayCount Count = DayCount.CalendarDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Years = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Months = 0) : Condition
{
    /// <summary>The <see cref="Of"/> that means the date the application is submitted (so no field may be called so).</summary>
    public const string Submission = "submission";
}

/// <summary>How a date stands to another.</summary>
public enum DateRelation
{
    /// <summary>Earlier than the other date moved back by the days.</summary>
    Before,

    /// <summary>Later than the other date moved forward by the days.</summary>
    After,

    /// <summary>No more than the days from the other date, either side (both ends included).</summary>
    Within,
}

/// <summary>What a number of days counts.</summary>
public enum DayCount
{
    /// <summary>Every day.</summary>
    CalendarDays,

    /// <summary>Working days of the application's calendar (weekends, public holidays and make-up days).</summary>
    WorkingDays,
}

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
