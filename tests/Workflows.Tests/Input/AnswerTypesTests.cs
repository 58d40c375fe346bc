using System.Text.Json;
using Workflows.Applications;
using Workflows.Templates;

namespace Workflows.Tests.Input;

/// <summary>Answers have the type their field says, and dates are sane against the application's date.</summary>
public sealed class AnswerTypesTests
{
    static readonly DateOnly Today = new(2026, 11, 23);

    static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("\"3\"")]
    [InlineData("\"1e3\"")]
    [InlineData("true")]
    public void Check_ANumberSentAsTextOrYesNo_IsRefused(string json) =>
        FieldRules.Check(new FieldDefinition("employeeCount", "Employees", FieldType.Number, Min: 0), J(json), out _, Today).ShouldBe("must be a number");

    [Theory]
    [InlineData("1.5")]
    [InlineData("3.0")]
    [InlineData("1e2")]
    [InlineData("\"3\"")]
    [InlineData("true")]
    public void Check_AnIntegerFieldGivenAFractionTextOrYesNo_IsRefused(string json) =>
        FieldRules.Check(new FieldDefinition("employeeCount", "Employees", FieldType.WholeNumber, Min: 0), J(json), out _, Today).ShouldBe("must be a whole number");

    [Fact]
    public void Check_AnIntegerFieldGivenAWholeNumber_IsNormalisedAndRanged()
    {
        var field = new FieldDefinition("employeeCount", "Employees", FieldType.WholeNumber, Min: 0, Max: 100000);
        FieldRules.Check(field, J("3"), out var normalised, Today).ShouldBeNull();
        normalised.ShouldBe("3");
        FieldRules.Check(field, J("-1"), out _, Today).ShouldNotBeNull().ShouldContain("at least 0");
    }

    [Fact]
    public void BuiltInTemplates_CountEmployeesInWholeNumbers()
    {
        foreach (var key in new[] { "company-opening", "company-deregistration" })
        {
            BuiltInTemplates.All.Single(t => t.Key == key).Fields.Single(f => f.Key == "employeeCount").Type.ShouldBe(FieldType.WholeNumber, key);
        }
    }

    [Theory]
    [InlineData("babyBirthDate", "2030-01-01")]
    [InlineData("babyBirthDate", "2026-11-25")]
    [InlineData("babyBirthDate", "1900-01-01")]
    [InlineData("birthDate", "2027-01-01")]
    [InlineData("issuedOn", "1800-05-05")]
    [InlineData("issuedOn", "2040-05-05")]
    public void Check_ADateOutOfItsWindow_IsRefused(string key, string date) =>
        FieldRules.Check(new FieldDefinition(key, key, FieldType.Date), J($"\"{date}\""), out _, Today).ShouldNotBeNull().ShouldContain("must be no");

    [Theory]
    [InlineData("babyBirthDate", "2026-11-20")]
    [InlineData("babyBirthDate", "2026-11-24")]
    [InlineData("issuedOn", "2027-06-01")]
    public void Check_ADateInItsWindow_Passes(string key, string date) =>
        FieldRules.Check(new FieldDefinition(key, key, FieldType.Date), J($"\"{date}\""), out _, Today).ShouldBeNull();

    [Fact]
    public void Check_AnIdNumberWithABirthDateInTheFuture_IsRefused()
    {
        var future = WithCheckDigit("11010520300101002");
        FieldRules.IsIdNumber(future).ShouldBeTrue("the checksum alone passes");

        FieldRules.Check(new FieldDefinition("motherIdNumber", "ID", FieldType.IdNumber), J($"\"{future}\""), out _, Today)
            .ShouldNotBeNull().ShouldContain("birth date");
        FieldRules.Check(new FieldDefinition("motherIdNumber", "ID", FieldType.IdNumber), J("\"11010519491231002X\""), out _, Today).ShouldBeNull();
    }

    [Theory]
    [InlineData("王\u0000芳")]
    [InlineData("王\u001b[2J芳")]
    [InlineData("王\u202E芳")]
    [InlineData("王\n芳")]
    public void Check_ATextAnswerWithAControlOrBidi_IsRefused(string value) =>
        FieldRules.Check(new FieldDefinition("babyName", "Name", FieldType.Text), JsonSerializer.SerializeToElement(value), out _, Today)
            .ShouldNotBeNull().ShouldContain("not allowed");

    [Fact]
    public void Check_ATextAnswerWithoutAMaximum_IsBounded() =>
        FieldRules.Check(new FieldDefinition("address", "Address", FieldType.Text), JsonSerializer.SerializeToElement(new string('x', FieldRules.DefaultMaxText + 1)), out _, Today)
            .ShouldNotBeNull().ShouldContain("at most");

    static string WithCheckDigit(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }
}
