using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>Deferred materials (容缺): an approval held until they are supplied or their deadline passes.</summary>
sealed partial class ItemRun
{
    // An approval takes effect once every deferred material is supplied; a missed deadline ends the item as the template says.
    async Task<ItemResult> AwaitDeferredMaterialsAsync(ItemResult approved)
    {
        var missing = input.Materials.Where(m => m.Status == MaterialStatus.Deferred && !suppliedHere.Contains(m.Key)).ToDictionary(m => m.Key, StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return approved;
        }

        // Decided, but held until the applicant supplies: that time is theirs, whichever way it ends.
        var heldFrom = context.CurrentUtcDateTime;
        try
        {
            return await AwaitDeferredAsync(approved, missing);
        }
        finally
        {
            holds.Add(new ApplicantHold(heldFrom, context.CurrentUtcDateTime));
        }
    }

    async Task<ItemResult> AwaitDeferredAsync(ItemResult approved, Dictionary<string, MaterialEntry> missing)
    {
        var firedEarly = false;
        Task<DeferredMaterialSupplied>? supplied = null;
        while (missing.Count > 0)
        {
            var deadline = missing.Values.Min(m => m.DueAt) ?? context.CurrentUtcDateTime;
            if (context.CurrentUtcDateTime >= deadline)
            {
                var late = missing.Values.Where(m => m.DueAt <= context.CurrentUtcDateTime).Select(m => m.Key).ToList();
                var rule = input.MaterialRules.FirstOrDefault(r => late.Contains(r.Key))?.Deferral;
                var reason = $"Deferred material not supplied by its deadline: {string.Join(", ", late)}.";
                return Ended(rule?.OnMissed == DeferralOutcome.CancelItem ? ItemState.Cancelled : ItemState.Rejected, "engine",
                    $"容缺材料未在期限内补交：{string.Join("、", late)}。", reason);
            }

            // The provider may deliver a timer up to a second early (queue visibility is set in whole seconds);
            // after an early one, aim a second past the deadline so the item never ends before it.
            using var timerCancel = new CancellationTokenSource();
            var timer = context.CreateTimer(firedEarly ? deadline.AddSeconds(1) : deadline, timerCancel.Token);
            // One waiter until it is used: a second one would leave the next event to the abandoned first.
            supplied ??= context.WaitForExternalEvent<DeferredMaterialSupplied>(nameof(DeferredMaterialSupplied));
            var first = await WhenAnyAsync(supplied, timer, cancellation);
            if (first == cancellation)
            {
                timerCancel.Cancel();
                return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
            }

            if (first == timer)
            {
                firedEarly = context.CurrentUtcDateTime < deadline;
                continue;
            }

            timerCancel.Cancel();
            var material = supplied.Result.Material;
            supplied = null;
            missing.Remove(material);
            writes.Audit($"applicant:{input.Applicant.Id}", "item.deferred.supplied", null, null, material);
        }

        return approved;
    }
}
