using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Workflows.Applications;
using Workflows.Auth;
using Workflows.Files;
using Workflows.Hosting;
using Workflows.Server;
using Workflows.Server.Api;
using Workflows.Server.Portal;
using Workflows.Templates;

var builder = WebApplication.CreateBuilder(args);

// Settings kept outside the repository by ./run.sh (the outside systems' secrets in .data/systems.json).
if (builder.Configuration["LocalSettingsFile"] is { Length: > 0 } localSettings)
{
    builder.Configuration.AddJsonFile(localSettings, optional: false, reloadOnChange: false);
}

// `token USER` mints a bearer token for a demo user and exits; it needs only the signing settings.
// (Host options such as --contentRoot may come first, so the command is looked for, not expected at args[0].)
if (Array.IndexOf(args, "token") is var tokenAt and >= 0)
{
    return TokenCommand.Run(args[(tokenAt + 1)..], builder.Configuration, Console.Out, Console.Error);
}

// `system CODE callback|event` plays an outside system against the running server; it exits when answered.
if (Array.IndexOf(args, "system") is var systemAt and >= 0)
{
    using var http = new HttpClient();
    return await SystemCommand.RunAsync(args[(systemAt + 1)..], builder.Configuration, Console.In, Console.Out, Console.Error, http, TimeProvider.System);
}

builder.Services.AddWorkflowsEngine(builder.Configuration);
builder.Services.AddWorkflowsServer(builder.Configuration);
builder.Services.AddTransient<BundleDemo>();
builder.Services.AddBrowserCors(builder.Configuration).AddSingleton<DemoSignIn>().AddSingleton<FilesApi>().AddSingleton<SubmissionCheckApi>().AddSingleton<PartyConfirmationApi>();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
// Before authentication: a preflight carries no token and is answered here.
app.UseCors(BrowserCors.PolicyName);
app.UseAuthentication();
app.UseRateLimiter();
// /healthz is readiness (the storage answers); /healthz/live only that the process serves.
app.MapHealthChecks("/healthz");
app.MapHealthChecks("/healthz/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
// The OpenAPI document and the reference page describe every route to anyone: on where configuration says so
// (appsettings.json does, for development), off otherwise.
var openApi = app.Configuration.GetValue<bool>(ServerSetup.OpenApiSetting);
if (openApi)
{
    app.MapOpenApi();
    app.MapScalarApiReference();
}

app.MapWorkflowsApi();
// `openapi [FILE]` writes the OpenAPI document (docs/openapi.json) without starting the server.
if (Array.IndexOf(args, "openapi") is var openApiAt and >= 0)
{
    // Routing registers the mapped endpoints where the document reads them; a started server does this itself.
    app.UseRouting();
    app.UseEndpoints(_ => { });
    return await Workflows.Server.Api.OpenApi.OpenApiExport.RunAsync(app.Services, args.ElementAtOrDefault(openApiAt + 1) is { } file && !file.StartsWith('-') ? file : null);
}

// The portal, where ./run.sh or the tests published it; without it, / says where the API is.
if (PortalFiles.TryGetRoot(app.Configuration, out var portalRoot))
{
    app.UsePortal(portalRoot);
}
else
{
    app.MapGet("/", () => Results.Text(openApi
        ? "Workflows local server. API: /api  OpenAPI: /openapi/v1.json  Reference: /scalar  Health: /healthz\n"
        : "Workflows local server. API: /api  Health: /healthz\n"))
        .ExcludeFromDescription();
}

if (args.Contains("demo", StringComparer.Ordinal))
{
    await app.StartAsync();
    var exitCode = await ActivatorUtilities.CreateInstance<DemoRunner>(app.Services).RunAsync(Console.Out, app.Lifetime.ApplicationStopping);
    await app.StopAsync();
    return exitCode;
}

await app.RunAsync();
return 0;

/// <summary>Mints demo users' tokens: <c>token USER</c> (only with <c>Auth:DemoUsers</c> on), or <c>token --list</c>.</summary>
internal static class TokenCommand
{
    public static int Run(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        var users = DemoUsers.All(BuiltInTemplates.Catalog);
        if (args is [] or ["--list"])
        {
            foreach (var u in users)
            {
                var role = u.Supervisor ? "Supervisor" : u.Assist ? "Officer+assist" : u.Role.ToString();
                output.WriteLine($"{u.Id,-34} {role,-14} {u.Department ?? u.Kind?.ToString() ?? string.Empty,-20} {u.Name}");
            }

            return args is [] ? 2 : 0;
        }

        // Demo users are for development and tests; where they are off (production) no token is minted for them.
        if (!options.DemoUsers)
        {
            error.WriteLine("Demo users are off here: set Auth:DemoUsers=true (Auth__DemoUsers=true) to mint their tokens. ./run.sh does so for its own signing key.");
            return 2;
        }

        if (options.Validate() is { Count: > 0 } problems)
        {
            error.WriteLine(string.Join(Environment.NewLine, problems));
            return 2;
        }

        if (users.FirstOrDefault(u => u.Id == args[0]) is not { } user)
        {
            error.WriteLine($"No demo user '{args[0]}'. `token --list` lists them.");
            return 2;
        }

        output.WriteLine(new TokenMinter(Options.Create(options).Value, TimeProvider.System).Mint(user));
        return 0;
    }
}
