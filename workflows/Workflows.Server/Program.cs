using Workflows.Hosting;
using Workflows.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddWorkflowsEngine(builder.Configuration);
builder.Services.AddHealthChecks();
builder.Services.AddTransient<BundleDemo>();

var app = builder.Build();
app.MapHealthChecks("/healthz");
app.MapGet("/", () => Results.Text("Workflows local server: the bundled public services engine. Health: /healthz\n"));

if (args.Contains("demo", StringComparer.Ordinal))
{
    await app.StartAsync();
    var exitCode = await ActivatorUtilities.CreateInstance<DemoRunner>(app.Services).RunAsync(Console.Out, app.Lifetime.ApplicationStopping);
    await app.StopAsync();
    return exitCode;
}

await app.RunAsync();
return 0;
