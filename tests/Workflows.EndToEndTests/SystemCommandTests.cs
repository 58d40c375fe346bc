using System.Diagnostics;
using System.Text.Json;
using Workflows.Applications;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// <c>./run.sh system CODE callback|event</c>: the server binary plays an outside system against the running server,
/// signing with the secret it is configured with; <c>system --secrets</c> makes the local secrets file.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class SystemCommandTests(ServerFixture server)
{
    [Fact]
    public async Task Secrets_ForTheLocalFile_GivesEveryCatalogSystemItsOwnLongSecret()
    {
        var (code, output, _) = await RunAsync(["system", "--secrets"], stdin: null);

        code.ShouldBe(0);
        using var json = JsonDocument.Parse(output);
        var secrets = json.RootElement.GetProperty("Systems").GetProperty("Secrets");
        var codes = secrets.EnumerateObject().Select(p => p.Name).ToList();
        codes.ShouldBe(BuiltInTemplates.Catalog.ExternalSystems.Select(s => s.Code), ignoreOrder: true);
        var values = secrets.EnumerateObject().Select(p => p.Value.GetProperty("Secret").GetString()!).ToList();
        values.ShouldAllBe(v => v.Length >= 32);
        values.Distinct().Count().ShouldBe(values.Count);
    }

    [Fact]
    public async Task Event_SignedWithTheConfiguredSecret_IsAcceptedAndStartsTheParentsApplication()
    {
        var parent = $"e2e-cmd-{Guid.NewGuid():N}"[..20];
        var body = Walkthrough.BirthRecorded(parent);

        var (code, output, error) = await RunAsync(["system", "birth-register-system", "event", $"--Systems:Secrets:birth-register-system:Secret={ServerFixture.BirthRegisterSecret}"], body);

        code.ShouldBe(0, error);
        output.ShouldStartWith("202");
        using var citizen = server.Citizen(parent);
        var mine = await Http.PollAsync(async () => await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<Workflows.Applications.ApplicationSummary>(),
            list => list.Count == 1, "the proactive application to be listed");
        mine.Single().Status.ShouldBe(ApplicationStatus.AwaitingConfirmation);
    }

    [Fact]
    public async Task Event_SignedWithAnotherSecret_IsRefusedAndTheCommandSaysSo()
    {
        var (code, output, _) = await RunAsync(["system", "birth-register-system", "event", $"--Systems:Secrets:birth-register-system:Secret={new string('x', 40)}"], "{}");

        code.ShouldBe(1);
        output.ShouldStartWith("401");
    }

    [Fact]
    public async Task Command_UnknownSystemOrKind_IsAUsageErrorAndPostsNothing()
    {
        (await RunAsync(["system", "no-such-system", "event", "--Systems:Secrets:no-such-system:Secret=" + new string('x', 40)], "{}")).Code.ShouldBe(2);
        (await RunAsync(["system", "birth-register-system", "delete"], "{}")).Code.ShouldBe(2);
    }

    async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string? stdin)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ServerDll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.GetDirectoryName(RepoPaths.ServerDll)!);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add($"--Urls={server.BaseAddress}");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
