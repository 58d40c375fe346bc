namespace Workflows.Calendar;

/// <summary>One thing wrong with a calendar, located so an administrator can fix it.</summary>
/// <param name="Path">Where: a JSON path such as <c>$.holidays[3].from</c> (lists by index).</param>
/// <param name="Code">A stable code for the rule broken, e.g. <c>makeUpDay.notWeekend</c>.</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record CalendarProblem(string Path, string Code, string Message);

/// <summary>A calendar that breaks rules was offered for saving or arithmetic; every problem is listed.</summary>
public sealed class CalendarInvalidException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CalendarInvalidException() => Problems = [];

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public CalendarInvalidException(string message) : base(message) => Problems = [];

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public CalendarInvalidException(string message, Exception innerException) : base(message, innerException) => Problems = [];

    /// <summary>Creates the exception from the validator's problems.</summary>
    /// <param name="problems">The problems.</param>
    public CalendarInvalidException(IReadOnlyList<CalendarProblem> problems)
        : base($"The calendar has {problems?.Count} problem(s): {string.Join("; ", (problems ?? []).Select(p => $"{p.Path} [{p.Code}] {p.Message}"))}")
        => Problems = problems ?? [];

    /// <summary>The problems, located.</summary>
    public IReadOnlyList<CalendarProblem> Problems { get; }
}

/// <summary>A calendar version that cannot be saved under its number: it exists already, or it is not the next one.</summary>
public sealed class CalendarVersionConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CalendarVersionConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public CalendarVersionConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public CalendarVersionConflictException(string message, Exception innerException) : base(message, innerException) { }
}
