using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>Checks one answer against its field and normalises it to invariant text.</summary>
public static partial class FieldRules
{
    static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const string IdCheckDigits = "10X98765432";
    const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static readonly int[] CreditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Normalises an answer, or says what is wrong with it.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The answer as given.</param>
    /// <param name="normalised">The answer as invariant text.</param>
    /// <returns>Null when valid, else a message for the applicant.</returns>
    public static string? Check(FieldDefinition field, JsonElement value, out string normalised)
    {
        ArgumentNullException.ThrowIfNull(field);
        normalised = string.Empty;
        switch (field.Type)
        {
            case FieldType.Number:
                decimal number;
                if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out number)) { }
                else if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number)) { }
                else
                {
                    return "must be a number";
                }

                if (field.Min is { } min && number < min) { return $"must be at least {min.ToString(CultureInfo.InvariantCulture)}"; }
                if (field.Max is { } max && number > max) { return $"must be at most {max.ToString(CultureInfo.InvariantCulture)}"; }
                normalised = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case FieldType.Boolean:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return "must be true or false";
                }

                normalised = value.GetBoolean() ? "true" : "false";
                return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return "must be text";
        }

        var text = value.GetString()!.Trim();
        normalised = text;
        switch (field.Type)
        {
            case FieldType.Date:
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    return "must be a date written yyyy-MM-dd";
                }

                return null;
            case FieldType.Choice:
                return field.Options is { } options && !options.Contains(text) ? $"must be one of: {string.Join(", ", options)}" : null;
            case FieldType.IdNumber:
                normalised = text.ToUpperInvariant();
                return IsIdNumber(normalised) ? null : "is not a valid 18-character resident identity number";
            case FieldType.CreditCode:
                normalised = text.ToUpperInvariant();
                return IsCreditCode(normalised) ? null : "is not a valid 18-character unified social credit code";
            case FieldType.Phone:
                return Phone().IsMatch(text) ? null : "is not a mobile phone number (11 digits starting with 1)";
            default:
                if (field.Min is { } minLength && text.Length < minLength) { return $"must have at least {minLength} characters"; }
                if (field.Max is { } maxLength && text.Length > maxLength) { return $"must have at most {maxLength} characters"; }
                if (field.Pattern is { } pattern)
                {
                    try
                    {
                        if (!Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.None, TemplateValidator.PatternTimeout))
                        {
                            return "does not have the expected form";
                        }
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return "could not be checked in time";
                    }
                }

                return null;
        }
    }

    /// <summary>Whether a text is an 18-character resident identity number with a valid check digit (GB 11643).</summary>
    /// <param name="id">The number, upper case.</param>
    /// <returns>True when valid.</returns>
    public static bool IsIdNumber(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length != 18 || !id[..17].All(char.IsAsciiDigit))
        {
            return false;
        }

        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * IdWeights[i];
        }

        return id[17] == IdCheckDigits[sum % 11];
    }

    /// <summary>Whether a text is an 18-character unified social credit code with a valid check character (GB 32100).</summary>
    /// <param name="code">The code, upper case.</param>
    /// <returns>True when valid.</returns>
    public static bool IsCreditCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 18)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = CreditCodeAlphabet.IndexOf(code[i], StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            sum += v * CreditCodeWeights[i];
        }

        var check = (31 - (sum % 31)) % 31;
        return code[17] == CreditCodeAlphabet[check];
    }

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex Phone();
}
