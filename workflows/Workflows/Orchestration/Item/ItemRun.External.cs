using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>An outside system's decision by callback, keeping time from version 2.0 on.</summary>
sealed partial class ItemRun
{
    async Task<ItemResult> DecideExternallyAsync(ExternalDecision external)
    {
        writes.Audit("engine", "item.external.requested", null, null, $"系统 {external.System}", $"system {external.System}");
        SkipPassedReminder();
        // Instances started before outside systems kept time wrote no timers here; they replay without them.
        var keepTime = OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.OutsideSystemsKeepTime);
        for (var callback = 0; callback <= ItemOrchestrator.MaxForeignCallbacks; callback++)
        {
            // The committed time runs for an outside system too: its department is reminded and its supervisor
            // told on a breach, as for an officer's decision.
            var result = context.WaitForExternalEvent<ExternalSystemDecided>(nameof(ExternalSystemDecided));
            var first = keepTime ? await AwaitKeepingTimeAsync(result, cancellation) : await WhenAnyAsync(result, cancellation);
            if (first is null)
            {
                return Ended(ItemState.Failed, "engine", $"等待 {external.System} 期间的事件和计时器超过 {ItemOrchestrator.MaxOfficerWaits} 个；需由管理员处理。",
                    $"More than {ItemOrchestrator.MaxOfficerWaits} events and timers while waiting for {external.System}; an administrator must look at it.");
            }

            if (first == cancellation)
            {
                return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
            }

            var decided = result.Result;
            if (decided.System != external.System)
            {
                // Only the system the template names may decide this item; another's result is noted and ignored.
                writes.Audit($"system:{decided.System}", "item.external.ignored", null, null, $"应由 {external.System} 决定", $"expected {external.System}");
                continue;
            }

            var by = $"system:{decided.System}";
            return decided.Approved
                ? new ItemResult(item.Key, ItemState.Approved, by, decided.Reason ?? "外部系统已批准。", decided.Outputs ?? NoOutputs, [],
                    ReasonEn: decided.Reason is null ? "Approved by the outside system." : null)
                : decided.Reason is null ? Ended(ItemState.Rejected, by, "外部系统已驳回。", "Rejected by the outside system.") : Ended(ItemState.Rejected, by, decided.Reason);
        }

        return Ended(ItemState.Failed, "engine", $"收到超过 {ItemOrchestrator.MaxForeignCallbacks} 个来自 {external.System} 以外系统的结果；需由管理员处理。",
            $"More than {ItemOrchestrator.MaxForeignCallbacks} results from systems other than {external.System}; an administrator must look at it.");
    }
}
