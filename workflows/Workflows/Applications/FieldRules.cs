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

    /// <summary>The oldest date an answer may give: this many years before the application's date.</summary>
    public const int MaxYearsBack = 120;

    /// <summary>The latest date an answer may give: this many years after the application's date (a birth date: none).</summary>
    public const int MaxYearsAhead = 10;

    /// <summary>The longest text answer when the field sets no maximum.</summary>
    public const int DefaultMaxText = 2000;

    /// <summary>Normalises an answer, or says what is wrong with it.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The answer as given.</param>
    /// <param name="normalised">The answer as invariant text.</param>
    /// <param name="today">The application's date: dates (and the birth date in an ID number) are checked against it; unchecked when null.</param>
    /// <returns>Null when valid, else a message for the applicant, in English (<see cref="Explain"/> says it in both).</returns>
    public static string? Check(FieldDefinition field, JsonElement value, out string normalised, DateOnly? today = null) =>
        Explain(field, value, out normalised, today)?.En;

    /// <summary>Normalises an answer, or says what is wrong with it in Chinese and English.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The answer as given.</param>
    /// <param name="normalised">The answer as invariant text.</param>
    /// <param name="today">The application's date: dates (and the birth date in an ID number) are checked against it; unchecked when null.</param>
    /// <returns>Null when valid, else a message for the applicant.</returns>
    public static LocalText? Explain(FieldDefinition field, JsonElement value, out string normalised, DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        normalised = string.Empty;
        switch (field.Type)
        {
            case FieldType.Number:
                // A JSON number only: "3" is text, as "true" is not a yes/no.
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
                {
                    return new("须为数字", "must be a number");
                }

                if (field.Min is { } min && number < min) { return new($"不得小于 {min.ToString(CultureInfo.InvariantCulture)}", $"must be at least {min.ToString(CultureInfo.InvariantCulture)}"); }
                if (field.Max is { } max && number > max) { return new($"不得大于 {max.ToString(CultureInfo.InvariantCulture)}", $"must be at most {max.ToString(CultureInfo.InvariantCulture)}"); }
                normalised = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case FieldType.WholeNumber:
                // Digits only: 1.5, 3.0, 1e2 and "3" are not how a count is written.
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var whole))
                {
                    return new("须为整数", "must be a whole number");
                }

                if (field.Min is { } minWhole && whole < minWhole) { return new($"不得小于 {minWhole.ToString(CultureInfo.InvariantCulture)}", $"must be at least {minWhole.ToString(CultureInfo.InvariantCulture)}"); }
                if (field.Max is { } maxWhole && whole > maxWhole) { return new($"不得大于 {maxWhole.ToString(CultureInfo.InvariantCulture)}", $"must be at most {maxWhole.ToString(CultureInfo.InvariantCulture)}"); }
                normalised = whole.ToString(CultureInfo.InvariantCulture);
                return null;
            case FieldType.Boolean:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return new("须为是或否（true 或 false）", "must be true or false");
                }

                normalised = value.GetBoolean() ? "true" : "false";
                return null;
            case FieldType.MultiChoice:
                return MultiChoice(field, value, out normalised);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return new("须为文本", "must be text");
        }

        var text = value.GetString()!.Trim();
        normalised = text;
        // Answers are one line each and shown to officers: no control, bidi or lone surrogate character.
        if (Api.PersonText.FindUnsafe(text, allowLineBreaks: false) is { } at)
        {
            return new($"第 {(at + 1).ToString(CultureInfo.InvariantCulture)} 个字符不允许使用（控制字符、双向覆盖字符或无效字符）",
                $"has a character that is not allowed at position {(at + 1).ToString(CultureInfo.InvariantCulture)} (a control character, a bidirectional override or an invalid character)");
        }

        switch (field.Type)
        {
            case FieldType.Date:
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return new("须为 yyyy-MM-dd 格式的日期", "must be a date written yyyy-MM-dd");
                }

                return today is { } on ? DateInRange(date, on, IsBirthDate(field.Key)) : null;
            case FieldType.Choice:
                return field.Options is { } options && !options.Contains(text) ? new($"须为以下之一：{string.Join("、", options)}", $"must be one of: {string.Join(", ", options)}") : null;
            case FieldType.IdNumber:
                normalised = text.ToUpperInvariant();
                if (!IsIdNumber(normalised))
                {
                    return new("不是有效的 18 位居民身份号码", "is not a valid 18-character resident identity number");
                }

                return today is { } idToday && DateInRange(BirthDateOf(normalised), idToday, birthDate: true) is { } range
                    ? new($"所含出生日期超出范围：{range.Zh}", $"holds a birth date out of range: it {range.En}")
                    : null;
            case FieldType.CreditCode:
                normalised = text.ToUpperInvariant();
                return IsCreditCode(normalised) ? null : new("不是有效的 18 位统一社会信用代码", "is not a valid 18-character unified social credit code");
            case FieldType.Phone:
                return Phone().IsMatch(text) ? null : new("不是手机号码（以 1 开头的 11 位数字）", "is not a mobile phone number (11 digits starting with 1)");
            default:
                if (field.Min is { } minLength && text.Length < minLength) { return new($"至少 {minLength} 个字符", $"must have at least {minLength} characters"); }
                var most = field.Max is { } maxLength ? (int)Math.Min(maxLength, DefaultMaxText) : DefaultMaxText;
                if (text.Length > most) { return new($"最多 {most} 个字符", $"must have at most {most} characters"); }
                if (field.Pattern is { } pattern)
                {
                    try
                    {
                        if (!Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.None, TemplateValidator.PatternTimeout))
                        {
                            return new("格式不符合要求", "does not have the expected form");
                        }
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return new("未能及时校验", "could not be checked in time");
                    }
                }

                return null;
        }
    }

    // A list of distinct options, kept in the template's order so the same choice is always the same text.
    static LocalText? MultiChoice(FieldDefinition field, JsonElement value, out string normalised)
    {
        normalised = string.Empty;
        var options = field.Options ?? [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            return new("须为选项列表（JSON 数组）", "must be a list of options (a JSON array)");
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in value.EnumerateArray())
        {
            var option = element.ValueKind == JsonValueKind.String ? element.GetString()!.Trim() : null;
            if (option is null || !options.Contains(option))
            {
                return new($"的每一项须为以下之一：{string.Join("、", options)}", $"must list only these options: {string.Join(", ", options)}");
            }

            if (!chosen.Add(option))
            {
                return new($"重复选择了“{option}”", $"lists '{option}' more than once");
            }
        }

        if (field.Min is { } fewest && chosen.Count < fewest) { return new($"至少选择 {fewest.ToString(CultureInfo.InvariantCulture)} 项", $"must list at least {fewest.ToString(CultureInfo.InvariantCulture)} options"); }
        if (field.Max is { } most && chosen.Count > most) { return new($"最多选择 {most.ToString(CultureInfo.InvariantCulture)} 项", $"must list at most {most.ToString(CultureInfo.InvariantCulture)} options"); }
        normalised = JsonSerializer.Serialize(options.Where(chosen.Contains).ToArray());
        return null;
    }

    /// <summary>The birth date inside a valid resident identity number.</summary>
    /// <param name="id">A number <see cref="IsIdNumber"/> accepts.</param>
    /// <returns>The date.</returns>
    public static DateOnly BirthDateOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return DateOnly.ParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
    }

    // A sane window around the application's date; a birth date is never after it. A field is a birth date when its
    // key says so (birthDate, babyBirthDate, ...): templates name their fields, and a new type would change every one.
    static LocalText? DateInRange(DateOnly date, DateOnly today, bool birthDate)
    {
        if (date < today.AddYears(-MaxYearsBack))
        {
            var earliest = today.AddYears(-MaxYearsBack).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new($"不得早于 {earliest}", $"must be no earlier than {earliest}");
        }

        // A day's slack: the application's date is taken in UTC, and a birth this morning in Beijing is yesterday there.
        if (birthDate && date > today.AddDays(1))
        {
            var on = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new($"不得晚于申请日期 {on}", $"must be no later than the application's date, {on}");
        }

        return date > today.AddYears(MaxYearsAhead)
            ? new($"不得晚于 {today.AddYears(MaxYearsAhead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", $"must be no later than {today.AddYears(MaxYearsAhead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}")
            : null;
    }

    static bool IsBirthDate(string key) => key.EndsWith("BirthDate", StringComparison.Ordinal) || key.Equals("birthDate", StringComparison.Ordinal);

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
