using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// The walk of a template as the bundle does it (<see cref="TemplateWalk"/>): which waiting items start, which the answers
/// leave out, which a prerequisite not approved cancels, which wait for a party, in what order.
/// </summary>
public sealed class TemplateWalkTests
{
    // a ── b ── c           d and e follow a; d is included by an answer, e by a's output.
    //  ├─ d (wantsD)        f follows d.
    //  ├─ e (a.number = 1)
    //  d ── f
    static readonly ItemDefinition[] Items =
    [
        Item("a"),
        Item("b", ["a"]),
        Item("c", ["b"]),
        Item("d", ["a"], new FieldEquals("wantsD", "true")),
        Item("e", ["a"], new OutputEquals("a", "number", "1")),
        Item("f", ["d"]),
    ];

    /// <summary>One rule of the walk: where the items stand, and what the walk must do, in order.</summary>
    /// <param name="Ended">Items that ended (or run), by key; every other item waits.</param>
    /// <param name="Steps">What the walk does, as "start a", "notIncluded d", "cancelled b".</param>
    /// <param name="WantsD">The answer d's condition reads.</param>
    /// <param name="ANumber">The output e's condition reads, when a was approved.</param>
    /// <param name="Awaited">Roles whose confirmation is awaited.</param>
    /// <param name="Ledger">Materials of a party, as "role:item".</param>
    public sealed record Rule(
        IReadOnlyDictionary<string, ItemState> Ended,
        IReadOnlyList<string> Steps,
        string WantsD = "true",
        string ANumber = "1",
        IReadOnlyList<string>? Awaited = null,
        IReadOnlyList<string>? Ledger = null);

    static readonly string[] Roles = ["p", "q"];

    static Dictionary<string, ItemState> S(params (string Key, ItemState State)[] states) => states.ToDictionary(s => s.Key, s => s.State, StringComparer.Ordinal);

    static readonly Dictionary<string, Rule> Cases = new(StringComparer.Ordinal)
    {
        ["nothing ended: the root starts, the rest waits on it"] = new(S(), ["start a"]),
        ["an answer leaves an item out at once, before its prerequisite ends"] = new(S(), ["start a", "notIncluded d", "start f"], WantsD: "false"),
        ["a running prerequisite holds its dependants"] = new(S(("a", ItemState.Running)), []),
        ["every prerequisite approved: its dependants start, in the template's order"] = new(S(("a", ItemState.Approved)), ["start b", "start d", "start e"]),
        // d is left out (its condition reads an answer); f, after d in the order, sees it in the same pass.
        ["a prerequisite not included counts as settled"] = new(S(("a", ItemState.Approved)), ["start b", "notIncluded d", "start e", "start f"], WantsD: "false"),
        ["a condition on an output is told once its prerequisite is approved"] = new(S(("a", ItemState.Approved)), ["start b", "start d", "notIncluded e"], ANumber: "2"),
        ["a condition on an output waits while its prerequisite runs"] = new(S(("a", ItemState.Running)), [], ANumber: "2"),
        ["a rejected prerequisite cancels its dependants, transitively, in one walk"] = new(
            S(("a", ItemState.Rejected)), ["cancelled b", "cancelled c", "cancelled d", "cancelled e", "cancelled f"]),
        ["a cancelled prerequisite cancels its dependants"] = new(S(("a", ItemState.Approved), ("b", ItemState.Cancelled)), ["cancelled c", "start d", "start e"]),
        ["a failed prerequisite cancels its dependants"] = new(S(("a", ItemState.Approved), ("b", ItemState.Failed)), ["cancelled c", "start d", "start e"]),
        ["an item the answers leave out is left out, not cancelled, when its prerequisite was rejected"] = new(
            S(("a", ItemState.Rejected)), ["cancelled b", "cancelled c", "notIncluded d", "cancelled e", "start f"], WantsD: "false"),
        ["an item that needs an awaited party waits; the others start"] = new(
            S(("a", ItemState.Approved)), ["start b", "start e"], Awaited: ["father"], Ledger: ["father:d"]),
        ["a party no item needs holds nothing"] = new(S(("a", ItemState.Approved)), ["start b", "start d", "start e"], Awaited: ["father"], Ledger: ["mother:d"]),
        ["a party confirmed (no longer awaited) holds nothing"] = new(S(("a", ItemState.Approved)), ["start b", "start d", "start e"], Ledger: ["father:d"]),
        ["an item waiting for a party is still left out by the answers"] = new(
            S(("a", ItemState.Approved)), ["start b", "notIncluded d", "start e", "start f"], WantsD: "false", Awaited: ["father"], Ledger: ["father:d"]),
        ["an item waiting for a party is still cancelled by a rejected prerequisite"] = new(
            S(("a", ItemState.Rejected)), ["cancelled b", "cancelled c", "cancelled d", "cancelled e", "cancelled f"], Awaited: ["father"], Ledger: ["father:d"]),
        ["nothing waiting: nothing to do"] = new(
            S(("a", ItemState.Approved), ("b", ItemState.Approved), ("c", ItemState.Rejected), ("d", ItemState.NotIncluded), ("e", ItemState.Running), ("f", ItemState.Cancelled)), []),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TheWalk(string name)
    {
        var c = Cases[name];
        var states = Items.ToDictionary(i => i.Key, i => c.Ended.GetValueOrDefault(i.Key, ItemState.Waiting), StringComparer.Ordinal);
        var results = states.Where(s => s.Value is not (ItemState.Waiting or ItemState.Running))
            .ToDictionary(s => s.Key, s => Ended(s.Key, s.Value, $"{s.Key} 的理由", $"{s.Key}'s reason"), StringComparer.Ordinal);
        var outputs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (states["a"] == ItemState.Approved)
        {
            outputs["a"] = new Dictionary<string, string> { ["number"] = c.ANumber };
        }

        var ledger = (c.Ledger ?? []).Select(l => l.Split(':')).Select(l => new MaterialEntry($"m-{l[0]}-{l[1]}", "材料", MaterialStatus.Uploaded, [l[1]], Party: l[0])).ToList();
        var steps = TemplateWalk.Next(Items, states, results, Conditions(new() { ["wantsD"] = c.WantsD }, outputs: outputs), c.Awaited ?? [], ledger);

        steps.Select(Show).ShouldBe(c.Steps);
    }

    [Fact]
    public void ACancelledItem_QuotesItsBlocker_InBothLanguages_AsTheBundleAlwaysHas()
    {
        var states = Waiting(("a", ItemState.Rejected));
        var results = new Dictionary<string, ItemResult> { ["a"] = Ended("a", ItemState.Rejected, "材料不全", "Materials incomplete") };

        var steps = TemplateWalk.Next(Items, states, results, Conditions(new() { ["wantsD"] = "true" }), [], []);

        var b = steps.Single(s => s.Item.Key == "b").Result.ShouldNotBeNull();
        (b.ItemKey, b.State, b.DecidedBy, b.HeldByApplicant).ShouldBe(("b", ItemState.Cancelled, "engine", null));
        b.Reason.ShouldBe("前置事项“a”已驳回：材料不全");
        b.ReasonEn.ShouldBe("Prerequisite 'a' was rejected: Materials incomplete");
        b.Outputs.ShouldBeEmpty();
        b.Evidence.ShouldBeEmpty();
        // The next one quotes the one the walk cancelled just before it.
        var c = steps.Single(s => s.Item.Key == "c").Result.ShouldNotBeNull();
        c.Reason.ShouldBe("前置事项“b”已取消：前置事项“a”已驳回：材料不全");
        c.ReasonEn.ShouldBe("Prerequisite 'b' was cancelled: Prerequisite 'a' was rejected: Materials incomplete");
    }

    [Theory]
    [InlineData(ItemState.Rejected, "已驳回", "rejected")]
    [InlineData(ItemState.Cancelled, "已取消", "cancelled")]
    [InlineData(ItemState.Failed, "未能办结", "failed")]
    public void ABlockersEnd_IsNamed(ItemState ended, string zh, string en)
    {
        var results = new Dictionary<string, ItemResult> { ["a"] = Ended("a", ended, "理由", null) };

        var b = TemplateWalk.Next(Items, Waiting(("a", ended)), results, Conditions(new() { ["wantsD"] = "true" }), [], [])[0];

        b.ShouldBe(new WalkStep(Items[1], WalkAction.Cancelled, b.Result));
        b.Result!.Reason.ShouldBe($"前置事项“a”{zh}：理由");
        // A reason a person wrote (no English of its own) is quoted as written.
        b.Result.ReasonEn.ShouldBe($"Prerequisite 'a' was {en}: 理由");
    }

    [Fact]
    public void AnItemLeftOut_CarriesTheEvidence_AndTheEnginesReason()
    {
        var steps = TemplateWalk.Next(Items, Waiting(("a", ItemState.Approved)), new Dictionary<string, ItemResult>(),
            Conditions(new() { ["wantsD"] = "false" }, outputs: new() { ["a"] = new Dictionary<string, string> { ["number"] = "7" } }), [], []);

        var d = steps.Single(s => s.Item.Key == "d").Result.ShouldNotBeNull();
        (d.State, d.DecidedBy, d.Reason, d.ReasonEn).ShouldBe((ItemState.NotIncluded, "engine", "纳入条件不成立。", "Its inclusion condition does not hold."));
        d.Outputs.ShouldBeEmpty();
        d.Evidence.ShouldBe(["field wantsD = 'false'"]);
        var e = steps.Single(s => s.Item.Key == "e").Result.ShouldNotBeNull();
        e.State.ShouldBe(ItemState.NotIncluded);
        e.Evidence.ShouldBe(["output a.number = '7'"]);
    }

    [Fact]
    public void ADependantBeforeItsPrerequisiteInTheOrder_IsSettledOnTheNextPass()
    {
        // x comes first but follows y: the first pass cancels y, the second x.
        ItemDefinition[] items = [Item("x", ["y"]), Item("y", ["a"]), Item("a")];
        var results = new Dictionary<string, ItemResult> { ["a"] = Ended("a", ItemState.Rejected, "不符合", "Not eligible") };

        var steps = TemplateWalk.Next(items, Waiting(items, ("a", ItemState.Rejected)), results, Conditions([]), [], []);

        steps.Select(Show).ShouldBe(["cancelled y", "cancelled x"]);
    }

    [Fact]
    public void TheStatesGiven_AreNotChanged()
    {
        var states = Waiting(("a", ItemState.Rejected));
        var results = new Dictionary<string, ItemResult> { ["a"] = Ended("a", ItemState.Rejected, "理由", null) };

        TemplateWalk.Next(Items, states, results, Conditions(new() { ["wantsD"] = "true" }), [], []).Count.ShouldBe(5);

        states.Values.Count(s => s == ItemState.Waiting).ShouldBe(5);
        results.Keys.ShouldBe(["a"]);
    }

    // The built-in newborn bundle: the two certificates of the birth start together, the household registration after
    // the birth certificate, insurance and the social security card after the registration.
    [Fact]
    public void Newborn_WalkedFromSubmissionToTheEnd()
    {
        var template = BuiltInTemplates.Get("newborn");
        var walk = new Walk(template);

        walk.Next().ShouldBe(["start birth-certificate", "start vaccination-certificate"]);
        walk.End("vaccination-certificate", ItemState.Approved).ShouldBeEmpty();
        walk.End("birth-certificate", ItemState.Approved).ShouldBe(["start household-registration"]);
        walk.End("household-registration", ItemState.Approved).ShouldBe(["start medical-insurance", "start social-security-card"]);
    }

    [Fact]
    public void Newborn_ARejectedBirthCertificate_CancelsEverythingAfterIt()
    {
        var template = BuiltInTemplates.Get("newborn");
        var walk = new Walk(template);
        walk.Next();

        walk.End("birth-certificate", ItemState.Rejected, "出生医学证明信息有误", "The medical birth certificate is wrong")
            .ShouldBe(["cancelled household-registration", "cancelled medical-insurance", "cancelled social-security-card"]);
        walk.Results["social-security-card"].Reason.ShouldBe("前置事项“household-registration”已取消：前置事项“birth-certificate”已驳回：出生医学证明信息有误");
    }

    [Fact]
    public void Newborn_TheHouseholdRegistration_WaitsForTheFatherItNeeds()
    {
        var template = BuiltInTemplates.Get("newborn");
        var walk = new Walk(template, awaited: ["father"]);

        walk.Next().ShouldBe(["start birth-certificate", "start vaccination-certificate"]);
        walk.End("birth-certificate", ItemState.Approved).ShouldBeEmpty();
        walk.Awaited.Clear();
        walk.Next().ShouldBe(["start household-registration"]);
    }

    // The built-in deregistration: each licence the company holds brings its own cancellation, the others are left
    // out at once; the business licence goes last, after the clearances it waits on.
    [Fact]
    public void CompanyDeregistration_TheLicencesHeld_ChooseTheItems()
    {
        var template = BuiltInTemplates.Get("company-deregistration");
        var walk = new Walk(template, new() { ["operatesPublicVenue"] = "false" }, ["business-licence", "social-insurance-registration", "bank-account-licence", "liquor-licence"]);

        var first = walk.Next();

        first.Where(s => s.StartsWith("start", StringComparison.Ordinal)).ShouldBe(
            ["start tax-clearance", "start social-insurance-deregistration", "start bank-account-closure", "start liquor-licence-cancellation"]);
        first.Count(s => s.StartsWith("notIncluded", StringComparison.Ordinal)).ShouldBe(template.Items.Count - 5);
        first.ShouldContain("notIncluded housing-fund-deregistration");
        first.ShouldNotContain(s => s.EndsWith(" business-licence-deregistration", StringComparison.Ordinal));
        walk.Results["housing-fund-deregistration"].Evidence.ShouldBe(["licence housing-fund-registration: not held"]);

        walk.End("tax-clearance", ItemState.Approved).ShouldBeEmpty();
        walk.End("social-insurance-deregistration", ItemState.Approved).ShouldBeEmpty();
        walk.End("bank-account-closure", ItemState.Approved).ShouldBe(["start business-licence-deregistration"]);
    }

    [Fact]
    public void CompanyDeregistration_AnAccountNotClosed_CancelsTheBusinessLicencesDeregistration()
    {
        var template = BuiltInTemplates.Get("company-deregistration");
        var walk = new Walk(template, new() { ["operatesPublicVenue"] = "true" }, ["business-licence", "bank-account-licence"]);

        walk.Next().Where(s => s.StartsWith("start", StringComparison.Ordinal))
            .ShouldBe(["start tax-clearance", "start bank-account-closure", "start fire-safety-certificate-cancellation"]);
        walk.End("tax-clearance", ItemState.Approved).ShouldBeEmpty();
        walk.End("bank-account-closure", ItemState.Rejected, "账户尚有余额", "The account still holds money").ShouldBe(["cancelled business-licence-deregistration"]);
        walk.Results["business-licence-deregistration"].ReasonEn.ShouldBe("Prerequisite 'bank-account-closure' was rejected: The account still holds money");
    }

    // The built-in house transfer: the seller's materials are in the tax's and the registration's part of the ledger and the
    // registration supersedes the seller's title, so nothing starts until the seller confirms; gas follows an answer.
    [Fact]
    public void HouseTransfer_WaitsForTheSeller_ThenWalksTheChain()
    {
        var template = BuiltInTemplates.Get("house-transfer");
        var walk = new Walk(template, new() { ["gasAccountNumber"] = "G-1" }, awaited: ["seller"]);

        walk.Next().ShouldBeEmpty();
        walk.Awaited.Clear();
        walk.Next().ShouldBe(["start transfer-tax"]);
        walk.End("transfer-tax", ItemState.Approved).ShouldBe(["start property-transfer-registration"]);
        walk.End("property-transfer-registration", ItemState.Approved).ShouldBe(["start water-transfer", "start power-transfer", "start gas-transfer"]);
    }

    [Fact]
    public void HouseTransfer_WithoutAGasAccount_LeavesGasOut_AtOnce()
    {
        var walk = new Walk(BuiltInTemplates.Get("house-transfer"), awaited: ["seller"]);

        walk.Next().ShouldBe(["notIncluded gas-transfer"]);
        walk.Results["gas-transfer"].Evidence.ShouldBe(["field gasAccountNumber = (none)"]);
    }

    /// <summary>
    /// The walk over random templates and states against the loop the bundle ran before it was extracted (kept here as
    /// it was, mutating as it went): the same steps, in the same order, with the same results.
    /// </summary>
    [Fact]
    public void MatchesTheBundlesFormerLoop_OnRandomTemplatesAndStates()
    {
        var all = Enum.GetValues<ItemState>();
        for (var seed = 0; seed < 2000; seed++)
        {
            var random = new Random(seed);
            var count = random.Next(1, 9);
            var keys = Enumerable.Range(0, count).Select(i => $"i{i}").ToList();
            var items = new List<ItemDefinition>();
            for (var i = 0; i < count; i++)
            {
                // A DAG over the keys' numbers, listed in a shuffled order.
                var deps = keys.Take(i).Where(_ => random.Next(3) == 0).ToList();
                Condition? when = random.Next(5) switch
                {
                    0 => new FieldEquals("f", "true"),
                    1 when deps.Count > 0 => new OutputEquals(deps[0], "n", "1"),
                    2 when deps.Count > 0 => new AnyOf([new FieldEquals("f", "true"), new OutputEquals(deps[^1], "n", "1")]),
                    _ => null,
                };
                OutputDefinition[] outputs = random.Next(4) == 0 ? [new OutputDefinition("t", "证", OutputKind.Certificate, "lic", Holder: "q")] : [];
                items.Add(Item(keys[i], deps, when) with { Outputs = outputs });
            }

            items = [.. items.OrderBy(_ => random.Next())];
            var states = items.ToDictionary(i => i.Key, _ => random.Next(2) == 0 ? ItemState.Waiting : all[random.Next(all.Length)], StringComparer.Ordinal);
            var results = states.Where(s => s.Value is not (ItemState.Waiting or ItemState.Running))
                .ToDictionary(s => s.Key, s => Ended(s.Key, s.Value, $"理由{s.Key}", random.Next(2) == 0 ? null : $"why {s.Key}"), StringComparer.Ordinal);
            var produced = states.Where(s => s.Value == ItemState.Approved)
                .ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["n"] = random.Next(2).ToString(System.Globalization.CultureInfo.InvariantCulture) }, StringComparer.Ordinal);
            var conditions = Conditions(new() { ["f"] = random.Next(2) == 0 ? "true" : "false" }, outputs: produced);
            var awaited = Roles.Where(_ => random.Next(2) == 0).ToList();
            var ledger = keys.Where(_ => random.Next(4) == 0).Select(k => new MaterialEntry($"m{k}", "材料", MaterialStatus.Uploaded, [k], Party: "p")).ToList();

            var walked = TemplateWalk.Next(items, states, results, conditions, awaited, ledger);
            var before = FormerLoop(items, new(states), new(results), conditions, awaited, ledger);

            walked.Select(Describe).ShouldBe(before.Select(Describe), $"seed {seed}");
        }
    }

    // StartReadyItems as it was before the walk was extracted: Start and Record mutate the states the next item reads.
    static List<WalkStep> FormerLoop(
        IReadOnlyList<ItemDefinition> items, Dictionary<string, ItemState> states, Dictionary<string, ItemResult> results,
        EvaluationContext context, IReadOnlyCollection<string> awaiting, List<MaterialEntry> materials)
    {
        var steps = new List<WalkStep>();
        void Record(ItemDefinition item, ItemResult result)
        {
            states[result.ItemKey] = result.State;
            results[result.ItemKey] = result;
            steps.Add(new WalkStep(item, result.State == ItemState.Cancelled ? WalkAction.Cancelled : WalkAction.NotIncluded, result));
        }

        void Start(ItemDefinition item)
        {
            states[item.Key] = ItemState.Running;
            steps.Add(new WalkStep(item, WalkAction.Start));
        }

        ItemResult? NotWanted(ItemDefinition item)
        {
            if (item.IncludeWhen is not { } when || ConditionEvaluator.ReadsOutputs(when))
            {
                return null;
            }

            var evidence = new List<string>();
            return ConditionEvaluator.Evaluate(when, context, evidence)
                ? null
                : new ItemResult(item.Key, ItemState.NotIncluded, "engine", "纳入条件不成立。", new Dictionary<string, string>(), evidence, ReasonEn: "Its inclusion condition does not hold.");
        }

        bool Needs(ItemDefinition item, string role) =>
            materials.Exists(m => m.Party == role && m.RequiredBy.Contains(item.Key))
            || item.Supersedes?.Party == role
            || item.Outputs.Any(o => o.Holder == role);

        static string EndedZh(ItemState state) => state switch
        {
            ItemState.Rejected => "已驳回",
            ItemState.Cancelled => "已取消",
            _ => "未能办结",
        };

        bool changed;
        do
        {
            changed = false;
            foreach (var item in items.Where(i => states[i.Key] == ItemState.Waiting))
            {
                if (NotWanted(item) is { } notWanted)
                {
                    Record(item, notWanted);
                    changed = true;
                    continue;
                }

                var blocker = item.DependsOn.FirstOrDefault(d => states[d] is ItemState.Rejected or ItemState.Cancelled or ItemState.Failed);
                if (blocker is not null)
                {
                    var reason = $"前置事项“{blocker}”{EndedZh(states[blocker])}：{results[blocker].Reason}";
                    var reasonEn = $"Prerequisite '{blocker}' was {states[blocker].ToString().ToLowerInvariant()}: {results[blocker].ReasonEn ?? results[blocker].Reason}";
                    Record(item, new ItemResult(item.Key, ItemState.Cancelled, "engine", reason, new Dictionary<string, string>(), [], ReasonEn: reasonEn));
                    changed = true;
                    continue;
                }

                if (!item.DependsOn.All(d => states[d] is ItemState.Approved or ItemState.NotIncluded))
                {
                    continue;
                }

                var evidence = new List<string>();
                if (item.IncludeWhen is { } when && !ConditionEvaluator.Evaluate(when, context, evidence))
                {
                    Record(item, new ItemResult(item.Key, ItemState.NotIncluded, "engine", "纳入条件不成立。", new Dictionary<string, string>(), evidence, ReasonEn: "Its inclusion condition does not hold."));
                    changed = true;
                    continue;
                }

                if (awaiting.Any(role => Needs(item, role)))
                {
                    continue;
                }

                Start(item);
                changed = true;
            }
        }
        while (changed);

        return steps;
    }

    static string Describe(WalkStep step) => step.Result is { } r
        ? $"{Show(step)} | {r.State} | {r.DecidedBy} | {r.Reason} | {r.ReasonEn} | {string.Join(";", r.Evidence)} | {r.Outputs.Count} | {r.HeldByApplicant is null}"
        : Show(step);

    static string Show(WalkStep step) => $"{char.ToLowerInvariant(step.Action.ToString()[0])}{step.Action.ToString()[1..]} {step.Item.Key}";

    /// <summary>A bundle's walk in small: the steps applied to the states as the bundle applies them, items ended by hand.</summary>
    sealed class Walk(BundleTemplate template, Dictionary<string, string>? answers = null, IEnumerable<string>? licences = null, IEnumerable<string>? awaited = null)
    {
        readonly Dictionary<string, ItemState> states = template.Items.ToDictionary(i => i.Key, _ => ItemState.Waiting, StringComparer.Ordinal);
        readonly Dictionary<string, IReadOnlyDictionary<string, string>> outputs = new(StringComparer.Ordinal);
        readonly List<MaterialEntry> ledger = [.. template.Materials.Select(m => new MaterialEntry(m.Key, m.Name, MaterialStatus.Uploaded, m.RequiredBy, Party: m.Party))];

        public Dictionary<string, ItemResult> Results { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Awaited { get; } = [.. awaited ?? []];

        public IReadOnlyList<string> Next()
        {
            var steps = TemplateWalk.Next(template.Items, states, Results, Conditions, Awaited, ledger);
            foreach (var step in steps)
            {
                states[step.Item.Key] = step.Result?.State ?? ItemState.Running;
                if (step.Result is { } result)
                {
                    Results[step.Item.Key] = result;
                }
            }

            return [.. steps.Select(Show)];
        }

        public IReadOnlyList<string> End(string key, ItemState state, string reason = "通过", string? reasonEn = "Approved")
        {
            states[key].ShouldBe(ItemState.Running);
            states[key] = state;
            Results[key] = Ended(key, state, reason, reasonEn);
            if (state == ItemState.Approved)
            {
                outputs[key] = new Dictionary<string, string>();
            }

            return Next();
        }

        EvaluationContext Conditions => new(answers ?? [], (licences ?? []).ToHashSet(StringComparer.Ordinal), outputs);
    }

    static ItemDefinition Item(string key, IReadOnlyList<string>? dependsOn = null, Condition? includeWhen = null) =>
        new(key, $"事项{key}", "dept", $"code-{key}", 10, 5, new OfficerDecision(), dependsOn ?? [], [], [], includeWhen);

    static ItemResult Ended(string key, ItemState state, string reason, string? reasonEn) =>
        new(key, state, state == ItemState.Failed ? "engine" : "officer:o-1", reason, new Dictionary<string, string>(), [], ReasonEn: reasonEn);

    static Dictionary<string, ItemState> Waiting(params (string Key, ItemState State)[] ended) => Waiting(Items, ended);

    static Dictionary<string, ItemState> Waiting(IEnumerable<ItemDefinition> items, params (string Key, ItemState State)[] ended)
    {
        var states = ended.ToDictionary(e => e.Key, e => e.State, StringComparer.Ordinal);
        return items.ToDictionary(i => i.Key, i => states.GetValueOrDefault(i.Key, ItemState.Waiting), StringComparer.Ordinal);
    }

    static EvaluationContext Conditions(Dictionary<string, string> answers, IEnumerable<string>? licences = null, Dictionary<string, IReadOnlyDictionary<string, string>>? outputs = null) =>
        new(answers, licences?.ToHashSet(StringComparer.Ordinal) ?? [], outputs ?? new(StringComparer.Ordinal));
}
