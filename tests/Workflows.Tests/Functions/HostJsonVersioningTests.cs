using System.Text.Json;
using Workflows.Hosting;
using Workflows.Orchestration;
using Workflows.Testing;

namespace Workflows.Tests.Functions;

/// <summary>The Functions host stamps and matches orchestration versions as the local server's worker does.</summary>
public sealed class HostJsonVersioningTests
{
    static JsonElement DurableTask()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        return document.RootElement.GetProperty("extensions").GetProperty("durableTask").Clone();
    }

    [Fact]
    public void HostJson_DefaultVersion_IsTheCodesCurrentVersion()
    {
        // Raising OrchestrationVersions.Current without host.json would start instances in Azure at the old version.
        DurableTask().GetProperty("defaultVersion").GetString().ShouldBe(OrchestrationVersions.Current);
    }

    [Fact]
    public void HostJson_MatchAndFailureStrategies_AreTheLocalWorkersOnes()
    {
        var local = EngineHostingExtensions.OrchestrationVersioning();
        var durable = DurableTask();

        durable.GetProperty("versionMatchStrategy").GetString().ShouldBe(local.MatchStrategy.ToString());
        durable.GetProperty("versionFailureStrategy").GetString().ShouldBe(local.FailureStrategy.ToString());
        local.Version.ShouldBe(OrchestrationVersions.Current);
    }

    [Theory]
    [InlineData("controlQueueVisibilityTimeout")]
    [InlineData("workItemQueueVisibilityTimeout")]
    public void HostJson_VisibilityTimeouts_AreTheTunedProfiles(string setting)
    {
        // A killed instance's work comes back as fast in Azure as locally (ADR 0005); the Functions dispatchers renew
        // the locks of the work they hold, as our sidecar's decorator does.
        var value = DurableTask().GetProperty("storageProvider").GetProperty(setting).GetString();
        TimeSpan.Parse(value!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(EngineSettings.Tuned.MessageVisibilityTimeout);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("1.0", false)]
    [InlineData("2.0", true)]
    [InlineData("10.0", true)]
    [InlineData("not-a-version", false)]
    public void AtLeast_InstanceVersion_ComparesAsVersionsNotText(string version, bool runsNewSteps)
    {
        OrchestrationVersions.AtLeast(version, OrchestrationVersions.OutsideSystemsKeepTime).ShouldBe(runsNewSteps);
    }
}
