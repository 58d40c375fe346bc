using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>The period of submission a simulation covers; all applications of the published version when both are absent.</summary>
/// <param name="From">Submitted at or after.</param>
/// <param name="To">Submitted before.</param>
public sealed record SimulationRequest(DateTime? From = null, DateTime? To = null);

/// <summary>What a draft would have changed for the applications of the version in force: counts first, then each changed one.</summary>
/// <param name="Key">The template.</param>
/// <param name="Published">The version in force, whose applications were simulated.</param>
/// <param name="Draft">The draft.</param>
/// <param name="From">The period's start, if any.</param>
/// <param name="To">The period's end, if any.</param>
/// <param name="Counts">The counts over every application of the period.</param>
/// <param name="Fingerprint">Names this outcome (the draft as stored, the version in force, the period and the counts); publishing a
/// draft that changes decisions takes it back with <c>confirmChanges</c>.</param>
/// <param name="Changed">The applications with a change, a page at a time, oldest submission first.</param>
public sealed record SimulationReport(string Key, int Published, int Draft, DateTime? From, DateTime? To, SimulationCounts Counts, string Fingerprint, Page<SimulatedApplication> Changed);

/// <summary>
/// Simulates a draft over the stored submissions of the version in force (<see cref="ApplicationStore.ListSubmissionsAsync"/>:
/// one range read of that version's partition), each through <see cref="DraftSimulation.Simulate"/>, starting nothing.
/// </summary>
/// <param name="applications">The stored submissions.</param>
/// <param name="calendars">The calendars the applications pinned.</param>
public sealed class DraftSimulator(ApplicationStore applications, CalendarStore calendars)
{
    /// <summary>Rows read per page of the submissions.</summary>
    public const int ReadPage = 1000;

    /// <summary>Simulates a draft over a period.</summary>
    /// <param name="published">The version in force, with its number.</param>
    /// <param name="draft">The draft as stored.</param>
    /// <param name="from">Submitted at or after.</param>
    /// <param name="to">Submitted before.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The counts, the fingerprint and every changed application, oldest first.</returns>
    public async Task<(SimulationCounts Counts, string Fingerprint, IReadOnlyList<SimulatedApplication> Changed)> RunAsync(
        PublishedTemplate published, StoredTemplateVersion draft, DateTime? from, DateTime? to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(draft);
        var counts = SimulationCounts.Zero;
        var changed = new List<SimulatedApplication>();
        var pinned = new Dictionary<(string, int), WorkingCalendar?>();
        string? continuation = null;
        do
        {
            var (page, next) = await applications.ListSubmissionsAsync(published.Template.Key, published.Version, from, to, ReadPage, continuation, cancellationToken);
            foreach (var submission in page)
            {
                var calendar = await CalendarAsync(submission.Snapshot, pinned, cancellationToken);
                var result = DraftSimulation.Simulate(published.Template, draft.Version.Definition, ApplicationStore.Past(submission, calendar));
                counts = counts.Add(result);
                if (result.Changes.Count > 0)
                {
                    changed.Add(result);
                }
            }

            continuation = next;
        }
        while (continuation is not null);

        return (counts, Fingerprint(published.Version, draft, from, to, counts), changed);
    }

    /// <summary>The fingerprint of an outcome: the same draft, version in force, period and counts give the same text.</summary>
    /// <param name="published">The version in force.</param>
    /// <param name="draft">The draft as stored (its ETag changes with every edit).</param>
    /// <param name="from">The period's start.</param>
    /// <param name="to">The period's end.</param>
    /// <param name="counts">The counts.</param>
    /// <returns>Lower-case hex SHA-256.</returns>
    public static string Fingerprint(int published, StoredTemplateVersion draft, DateTime? from, DateTime? to, SimulationCounts counts)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(counts);
        var text = string.Join('\n', draft.Version.Key, published.ToString(CultureInfo.InvariantCulture), draft.Version.Version.ToString(CultureInfo.InvariantCulture),
            draft.ETag.ToString(), from?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "-", to?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "-", counts.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    async Task<WorkingCalendar?> CalendarAsync(SubmissionSnapshot snapshot, Dictionary<(string, int), WorkingCalendar?> pinned, CancellationToken cancellationToken)
    {
        if (snapshot.CalendarRegion is not { } region || snapshot.CalendarVersion is not { } version)
        {
            return null;
        }

        if (!pinned.TryGetValue((region, version), out var calendar))
        {
            // The built-in weekends-only calendar is not stored; anything not found counts weekends only, as the engine does.
            calendar = region == WorkingCalendar.WeekendsOnly.Region && version == WorkingCalendar.WeekendsOnly.Version
                ? WorkingCalendar.WeekendsOnly
                : (await calendars.GetAsync(region, version, cancellationToken))?.Calendar;
            pinned[(region, version)] = calendar;
        }

        return calendar;
    }
}

/// <summary>Administrators' simulation of a draft (POST admin/templates/{key}/versions/{version}/simulation).</summary>
/// <param name="templates">The template versions.</param>
/// <param name="simulator">The simulation.</param>
public sealed class SimulationApi(TemplateStore templates, DraftSimulator simulator)
{
    const string List = "simulation";

    /// <summary>Simulates a draft over the applications of the version in force submitted in a period.</summary>
    /// <param name="caller">The caller (an administrator; the edge checked).</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="body">The period.</param>
    /// <param name="query">pageSize and continuation of the changed applications.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the report; 400 naming a bad period or page; 404; 409 when the version is no draft or none is in force.</returns>
    public async Task<IResult> SimulateAsync(Caller caller, string key, int version, SimulationRequest body, IQueryCollection query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(query);
        var errors = new List<ApiError>();
        var size = Paging.Size(query, errors);
        var offset = 0;
        var token = Paging.Text(query, "continuation");
        if (token is not null && (!Paging.TryDecode(List, token, out var at) || !int.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (body.From is { } from && body.To is { } to && to.ToUniversalTime() <= from.ToUniversalTime())
        {
            errors.Add(new ApiError("to", "field.range", "to 必须晚于 from。", "to must be after from."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (outcome, problem) = await SimulateAsync(key, version, body.From, body.To, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (published, counts, fingerprint, changed) = outcome!.Value;
        var items = changed.Skip(offset).Take(size).ToList();
        var more = offset + items.Count < changed.Count;
        var continuation = more ? Paging.Encode(List, (offset + items.Count).ToString(CultureInfo.InvariantCulture)) : null;
        var next = continuation is null ? null
            : $"/api/admin/templates/{Uri.EscapeDataString(key)}/versions/{version}/simulation?pageSize={size}&continuation={Uri.EscapeDataString(continuation)}";
        return Results.Ok(new SimulationReport(key, published, version, body.From?.ToUniversalTime(), body.To?.ToUniversalTime(), counts, fingerprint,
            new Page<SimulatedApplication>(items, continuation, next)));
    }

    /// <summary>Simulates a draft, or says why it cannot be (404, 409).</summary>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="from">Submitted at or after.</param>
    /// <param name="to">Submitted before.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, or the problem to answer.</returns>
    public async Task<((int Published, SimulationCounts Counts, string Fingerprint, IReadOnlyList<SimulatedApplication> Changed)? Outcome, IResult? Problem)> SimulateAsync(
        string key, int version, DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        if (await templates.GetAsync(key, version, cancellationToken) is not { } draft)
        {
            return (null, ApiProblems.NotFound("template version"));
        }

        if (draft.Version.Status != TemplateStatus.Draft)
        {
            return (null, ApiProblems.Conflict("simulation.notDraft", $"{key} v{version} 不是草稿；只能模拟草稿。", $"{key} v{version} is not a draft; only a draft can be simulated."));
        }

        if (await templates.GetPublishedAsync(key, cancellationToken) is not { } published)
        {
            return (null, ApiProblems.Conflict("simulation.nothingPublished", $"“{key}”没有生效中的版本，没有可比较的申请。", $"'{key}' has no version in force; there are no applications to compare with."));
        }

        var (counts, fingerprint, changed) = await simulator.RunAsync(published, draft, from, to, cancellationToken);
        return ((published.Version, counts, fingerprint, changed), null);
    }
}
