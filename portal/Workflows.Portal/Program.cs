using System.Globalization;
using System.Resources;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;
using Workflows.ApiClient;
using Workflows.Portal;
using Workflows.Portal.Shell;

[assembly: NeutralResourcesLanguage("zh")]

// The first thing Main does: the runtime has started and the app's assemblies are loaded (bench: where the start's time goes).
StartMarks.Mark("portal:main");
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

builder.Services.AddFluentUIComponents();
builder.Services.AddSingleton<Session>();
builder.Services.AddSingleton<Clock>();
// The API is the page's own origin where the local server serves both; in Azure, appsettings.json (written at deploy)
// names the Functions app's origin, which answers the Static Web App's origin with CORS.
var apiBase = builder.Configuration["Api:BaseAddress"] is { Length: > 0 } configured ? configured : builder.HostEnvironment.BaseAddress;
builder.Services.AddScoped(sp => new HttpClient(new ApiHandler(sp.GetRequiredService<Session>()) { InnerHandler = new HttpClientHandler() })
{
    BaseAddress = new Uri(apiBase),
});
builder.Services.AddScoped(sp => new WorkflowsClient(sp.GetRequiredService<HttpClient>()));
var entra = EntraSignIn.From(builder.Configuration);
builder.Services.AddSingleton(entra);
if (entra.Enabled)
{
    builder.Services.AddOidcAuthentication(options =>
    {
        options.ProviderOptions.Authority = entra.Authority;
        options.ProviderOptions.ClientId = entra.ClientId;
        // The authorization code flow with PKCE; the library keeps its state in session storage.
        options.ProviderOptions.ResponseType = "code";
        if (entra.Scope.Length > 0)
        {
            options.ProviderOptions.DefaultScopes.Add(entra.Scope);
        }
    });
}

var host = builder.Build();
// The language, the session and the browser's clock are read once, before the first render: a language switch reloads
// the page, so the English satellite assembly is loaded (RunAsync loads the current culture's) and every text follows.
var js = host.Services.GetRequiredService<IJSRuntime>();
// Performance marks the benchmark reads (docs/benchmarks.md, Portal): where the start's time goes.
await js.InvokeVoidAsync("performance.mark", "portal:host-built");
var session = host.Services.GetRequiredService<Session>();
if (entra.Enabled)
{
    // Only where sign-in goes through an authority: the demo users' pages never download the library.
    await js.InvokeVoidAsync("portal.loadScript", EntraSignIn.Script);
}

await session.LoadAsync(js);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = session.Culture;
await host.Services.GetRequiredService<Clock>().LoadAsync(js);
await js.InvokeVoidAsync("performance.mark", "portal:run");
await host.RunAsync();
