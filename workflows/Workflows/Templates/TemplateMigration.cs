using System.Text.Json;
using Workflows.Calendar;
using Workflows.Orchestration;

namespace Workflows.Templates;

/// <summary>Where one application stands, as the migration check reads it.</summary>
/// <param name="Items">Each item of its current version and where it stands.</param>
/// <param name="Answers">The form's answers.</param>
/// <param name="Materials">The materials ledger.</param>
/// <param name="Licences">The licence types the applicant holds (for conditions); none when null.</param>
/// <param name="Outputs">Approved items' outputs (for conditions); none when null.</param>
/// <param name="SubmittedOn">The submission date (for date conditions).</param>
/// <param name="Calendar">The pinned calendar (for working-day conditions).</param>
public sealed record MigrationState(
    IReadOnlyDictionary<string, ItemState> Items,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<MaterialEntry> Materials,
    IReadOnlySet<string>? Licences = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Outputs = null,
    DateOnly? SubmittedOn = null,
    WorkingCalendar? Calendar = null);

/// <summary>Whether one application can move to a newer version, and what it would see or why not.</summary>
/// <param name="CanMove">True when nothing stands in the way.</param>
/// <param name="Changes">What the application would see, each located in the newer version and coded.</param>
/// <param name="Reasons">Why it cannot move, each located and coded; empty when it can.</param>
public sealed record MigrationVerdict(bool CanMove, IReadOnlyList<TemplateProblem> Changes, IReadOnlyList<TemplateProblem> Reasons);

/// <summary>
/// Whether an application in flight can move from its template version to another, and what it would see: a pure
/// function of the two versions and the application's state, so the API's dry run and the bundle's own re-check
/// (inside the orchestrator, deterministic) give the same answer. Safe: items added that have not started, time limits
/// changed (a running item's only lengthened, as an extension), rules and inclusion of items not started. Anything
/// that would change work a department has started or finished, or ask the applicant for something they did not
/// give, is refused with its reason. Messages are English with the Chinese beside, as the validator's.
/// </summary>
public static class TemplateMigration
{
    /// <summary>Checks one application.</summary>
    /// <param name="from">The version it runs now.</param>
    /// <param name="to">The version it would move to.</param>
    /// <param name="state">Where it stands.</param>
    /// <returns>The verdict.</returns>
    public static MigrationVerdict Check(BundleTemplate from, BundleTemplate to, MigrationState state)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(state);
        var changes = new List<TemplateProblem>();
        var reasons = new List<TemplateProblem>();
        if (from.Key != to.Key)
        {
            reasons.Add(new("$.key", "migration.template.key", $"The application runs template '{from.Key}', not '{to.Key}'.", $"该申请使用模板“{from.Key}”，不是“{to.Key}”。"));
            return new(false, changes, reasons);
        }

        if (from.ApplicantKind != to.ApplicantKind)
        {
            reasons.Add(new("$.applicantKind", "migration.applicantKind", "Who may apply changed; the applicant applied under the older rule.", "申请人类型已改变；该申请人按旧版本申请。"));
        }

        if (!Roles(from).SetEquals(Roles(to)))
        {
            reasons.Add(new("$.parties", "migration.parties", "The parties the template names changed; the application named the older ones.", "模板规定的当事人已改变；该申请按旧版本填写了当事人。"));
        }

        if (from.CommittedDays != to.CommittedDays)
        {
            changes.Add(new("$.committedDays", "migration.committedDays", $"The bundle's time limit becomes {to.CommittedDays} working days (was {from.CommittedDays}).", $"整件事的承诺时限改为 {to.CommittedDays} 个工作日（原为 {from.CommittedDays}）。"));
        }

        var newer = to.Items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        foreach (var item in from.Items)
        {
            var now = State(state, item.Key);
            newer.TryGetValue(item.Key, out var next);
            var path = $"$.items[{item.Key}]";
            if (next is null)
            {
                if (Started(now))
                {
                    reasons.Add(new(path, "migration.item.removed", $"Item '{item.Key}' is {Word(now)}; the newer version removes or renames it.", $"事项“{item.Name}”{WordZh(now)}；新版本删除或改名了该事项。"));
                }
                else
                {
                    changes.Add(new(path, "migration.item.dropped", $"Item '{item.Key}' has not started and is dropped.", $"尚未开始的事项“{item.Name}”不再办理。"));
                }

                continue;
            }

            if (now == ItemState.Running)
            {
                Running(item, next, path, to, changes, reasons);
            }
            else if (now is ItemState.Waiting or ItemState.NotIncluded)
            {
                NotStarted(item, next, now, path, changes);
            }

            // A finished item's definition no longer matters: its result stands as decided.
        }

        foreach (var item in to.Items.Where(i => from.Items.All(o => o.Key != i.Key)))
        {
            changes.Add(new($"$.items[{item.Key}]", "migration.item.added", $"Item '{item.Key}' is added; it starts when its prerequisites are approved, if it is included.", $"新增事项“{item.Name}”；前置事项通过后按纳入条件办理。"));
        }

        Fields(from, to, state, changes, reasons);
        Materials(from, to, state, changes, reasons);
        return new(reasons.Count == 0, changes, reasons);
    }

    /// <summary>The items that have not started in <paramref name="state"/> and will be walked with the newer version's definitions.</summary>
    /// <param name="state">Where the application stands.</param>
    /// <param name="key">An item's key.</param>
    /// <returns>True when it has not started (waiting, not included, or new).</returns>
    public static bool NotStartedYet(MigrationState state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return !Started(State(state, key));
    }

    static void Running(ItemDefinition item, ItemDefinition next, string path, BundleTemplate to, List<TemplateProblem> changes, List<TemplateProblem> reasons)
    {
        if (item.Department != next.Department)
        {
            reasons.Add(new($"{path}.department", "migration.item.department", $"Item '{item.Key}' is with department '{item.Department}'; the newer version gives it to '{next.Department}'.", $"事项“{item.Name}”正由“{item.Department}”办理；新版本改由“{next.Department}”办理。"));
        }

        if (DecisionKind(item.Decision) != DecisionKind(next.Decision))
        {
            reasons.Add(new($"{path}.decision", "migration.item.decision", $"Item '{item.Key}' is being decided by {DecisionKind(item.Decision)}; the newer version decides it by {DecisionKind(next.Decision)}.", $"事项“{item.Name}”正按“{DecisionKind(item.Decision)}”方式办理；新版本改为“{DecisionKind(next.Decision)}”。"));
        }

        if (item.Name != next.Name || item.NameEn != next.NameEn)
        {
            reasons.Add(new($"{path}.name", "migration.item.renamed", $"Item '{item.Key}' is running under its name; the newer version renames it.", $"事项“{item.Name}”正在办理；新版本修改了其名称。"));
        }

        foreach (var field in item.Fields.Where(f => to.Fields.All(n => n.Key != f)))
        {
            reasons.Add(new($"$.fields[{field}]", "migration.field.removed", $"Field '{field}' is used by item '{item.Key}', which is running; the newer version removes it.", $"正在办理的事项“{item.Name}”使用字段“{field}”；新版本删除了该字段。"));
        }

        var days = next.CommittedDays - item.CommittedDays;
        if (days < 0)
        {
            reasons.Add(new($"{path}.committedDays", "migration.item.committedDays.shorter", $"Item '{item.Key}' is running with {item.CommittedDays} working days; a running item's time limit is not shortened.", $"事项“{item.Name}”正按 {item.CommittedDays} 个工作日办理；正在办理的事项不缩短时限。"));
        }
        else if (days > ItemOrchestrator.MaxExtensionDays)
        {
            reasons.Add(new($"{path}.committedDays", "migration.item.committedDays.tooLong", $"Item '{item.Key}' would gain {days} working days; a running item moves by at most {ItemOrchestrator.MaxExtensionDays}.", $"事项“{item.Name}”将延长 {days} 个工作日；正在办理的事项最多延长 {ItemOrchestrator.MaxExtensionDays} 个。"));
        }
        else if (days > 0)
        {
            changes.Add(new($"{path}.committedDays", "migration.item.due", $"Item '{item.Key}' is running: its due time moves {days} working day(s) later.", $"正在办理的事项“{item.Name}”的期限延后 {days} 个工作日。"));
        }

        // Whatever else changed (its fields, rules, outputs, dependencies) the running item already holds the older
        // definition: moving would show one thing and do another.
        var others = Json(item with { CommittedDays = 0, StatutoryDays = 0, Department = "", Name = "", NameEn = null, Decision = new OfficerDecision() })
            != Json(next with { CommittedDays = 0, StatutoryDays = 0, Department = "", Name = "", NameEn = null, Decision = new OfficerDecision() });
        var rules = DecisionKind(item.Decision) == DecisionKind(next.Decision) && Json(item.Decision) != Json(next.Decision);
        if (others || rules)
        {
            reasons.Add(new(path, "migration.item.running", $"Item '{item.Key}' is running with its older definition; the newer version changes its fields, rules, outputs or dependencies.", $"事项“{item.Name}”正按旧定义办理；新版本修改了其字段、规则、产出或前置事项。"));
        }
    }

    static void NotStarted(ItemDefinition item, ItemDefinition next, ItemState now, string path, List<TemplateProblem> changes)
    {
        if (Json(item.IncludeWhen) != Json(next.IncludeWhen))
        {
            changes.Add(new($"{path}.includeWhen", "migration.item.inclusion", $"Item '{item.Key}' has not started: whether it is included is decided again by the newer condition.", $"事项“{item.Name}”尚未开始：按新的纳入条件重新判断是否办理。"));
        }

        if (now == ItemState.NotIncluded)
        {
            return;
        }

        if (item.CommittedDays != next.CommittedDays)
        {
            changes.Add(new($"{path}.committedDays", "migration.item.committedDays", $"Item '{item.Key}' will have {next.CommittedDays} working days (was {item.CommittedDays}).", $"事项“{item.Name}”的时限改为 {next.CommittedDays} 个工作日（原为 {item.CommittedDays}）。"));
        }

        if (Json(item.Decision) != Json(next.Decision))
        {
            changes.Add(new($"{path}.decision", "migration.item.rules", $"Item '{item.Key}' has not been decided: the newer version's way of deciding applies.", $"事项“{item.Name}”尚未决定：按新版本的办理方式决定。"));
        }

        if (Json(item with { IncludeWhen = null, CommittedDays = 0, Decision = new OfficerDecision() }) != Json(next with { IncludeWhen = null, CommittedDays = 0, Decision = new OfficerDecision() }))
        {
            changes.Add(new(path, "migration.item.changed", $"Item '{item.Key}' has not started: it runs as the newer version defines it.", $"事项“{item.Name}”尚未开始：按新版本的定义办理。"));
        }
    }

    static void Fields(BundleTemplate from, BundleTemplate to, MigrationState state, List<TemplateProblem> changes, List<TemplateProblem> reasons)
    {
        var context = Context(state);
        foreach (var field in to.Fields)
        {
            var required = field.RequiredWhen is { } when ? ConditionEvaluator.Evaluate(when, context) : field.Required;
            var answered = state.Answers.TryGetValue(field.Key, out var value) && !string.IsNullOrEmpty(value);
            if (required && !answered)
            {
                reasons.Add(new($"$.fields[{field.Key}]", "migration.field.unanswered", $"Field '{field.Key}' is required by the newer version and the application has no answer for it.", $"新版本要求填写“{field.Label}”，该申请没有此项。"));
            }
            else if (from.Fields.All(f => f.Key != field.Key))
            {
                changes.Add(new($"$.fields[{field.Key}]", "migration.field.added", $"Field '{field.Key}' is added.", $"新增字段“{field.Label}”。"));
            }
        }
    }

    static void Materials(BundleTemplate from, BundleTemplate to, MigrationState state, List<TemplateProblem> changes, List<TemplateProblem> reasons)
    {
        var context = Context(state);
        foreach (var material in to.Materials)
        {
            // Only items that will start under the newer version read the ledger again, and only if they are included.
            var needing = material.RequiredBy.Where(k => MayStart(from, to, state, context, k)).ToList();
            var needed = needing.Count > 0 && (material.RequiredWhen is not { } when || ConditionEvaluator.Evaluate(when, context));
            var inLedger = state.Materials.Any(m => m.Key == material.Key);
            if (needed && !inLedger)
            {
                reasons.Add(new($"$.materials[{material.Key}]", "migration.material.missing", $"Material '{material.Key}' is required by {string.Join(", ", needing)} in the newer version and the application's ledger has none.", $"新版本中“{string.Join("、", needing)}”需要“{material.Name}”，该申请的材料中没有。"));
            }
            else if (from.Materials.All(m => m.Key != material.Key))
            {
                changes.Add(new($"$.materials[{material.Key}]", "migration.material.added", $"Material '{material.Key}' is added.", $"新增材料“{material.Name}”。"));
            }
        }
    }

    // An item not started that the newer version may still include: one left out stays out unless its condition changed;
    // a condition that reads outputs is told only when the item is ready, so it may.
    static bool MayStart(BundleTemplate from, BundleTemplate to, MigrationState state, EvaluationContext context, string key)
    {
        var now = State(state, key);
        if (Started(now) || to.Items.FirstOrDefault(i => i.Key == key) is not { } item)
        {
            return false;
        }

        if (now == ItemState.NotIncluded && Json(from.Items.FirstOrDefault(i => i.Key == key)?.IncludeWhen) == Json(item.IncludeWhen))
        {
            return false;
        }

        return item.IncludeWhen is not { } when || ConditionEvaluator.ReadsOutputs(when) || ConditionEvaluator.Evaluate(when, context);
    }

    static EvaluationContext Context(MigrationState state) => new(
        state.Answers, state.Licences ?? new HashSet<string>(StringComparer.Ordinal),
        state.Outputs ?? new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal), state.SubmittedOn, state.Calendar);

    static ItemState State(MigrationState state, string key) => state.Items.TryGetValue(key, out var s) ? s : ItemState.Waiting;

    static bool Started(ItemState state) => state is not (ItemState.Waiting or ItemState.NotIncluded);

    static HashSet<string> Roles(BundleTemplate template) => [.. (template.Parties ?? []).Select(p => p.Role)];

    static string DecisionKind(DecisionMode decision) => decision switch
    {
        OfficerDecision => "officer",
        RuleDecision => "rules",
        ExternalDecision e => $"system:{e.System}",
        _ => decision.GetType().Name,
    };

    static string Word(ItemState state) => state == ItemState.Running ? "running" : $"finished ({state.ToString().ToLowerInvariant()})";

    static string WordZh(ItemState state) => state == ItemState.Running ? "正在办理" : "已办结";

    // Structural equality of template parts (records hold lists, whose own equality is by reference).
    static string Json<T>(T value) => JsonSerializer.Serialize(value, TemplateJson.Options);
}
