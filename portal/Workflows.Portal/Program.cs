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

var host = builder.Build();
// The language, the session and the browser's clock are read once, before the first render: a language switch reloads
// the page, so the English satellite assembly is loaded (RunAsync loads the current culture's) and every text follows.
var js = host.Services.GetRequiredService<IJSRuntime>();
var session = host.Services.GetRequiredService<Session>();
await session.LoadAsync(js);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = session.Culture;
await host.Services.GetRequiredService<Clock>().LoadAsync(js);
await host.RunAsync();
