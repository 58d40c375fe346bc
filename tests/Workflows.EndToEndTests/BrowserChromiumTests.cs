using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Workflows.EndToEndTests.Portal;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// A real browser (Debian's headless Chromium, driven by Playwright) on a page of another origin: the portal's origin
/// signs in as a demo user, uploads a file and reads its applications across origins, which takes the CORS preflights
/// and the exposed headers; the same page served from an origin the server does not know is refused by the browser.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class BrowserChromiumTests(ServerFixture server)
{
    [Fact]
    public async Task PageOfThePortalsOrigin_SignsInUploadsAndReadsItsApplications()
    {
        await using var page = await PortalPage.StartAsync(server.PortalOrigin, server.BaseAddress);
        var result = await RunInChromiumAsync(page.Url);

        result.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null, result.GetRawText());
        result.GetProperty("signIn").GetInt32().ShouldBe(200);
        result.GetProperty("user").GetString().ShouldBe("citizen-wang");
        // The upload's Location is a header the page may read only because the server exposes it.
        result.GetProperty("upload").GetInt32().ShouldBe(201);
        result.GetProperty("location").GetString().ShouldNotBeNull().ShouldStartWith("/api/uploads/babyPhoto/");
        result.GetProperty("applications").GetInt32().ShouldBe(200);
        // The file read back across origins with its ETag.
        result.GetProperty("file").GetInt32().ShouldBe(200);
        result.GetProperty("etag").GetString().ShouldNotBeNull().ShouldStartWith("\"");
    }

    [Fact]
    public async Task PageOfAnUnknownOrigin_IsRefusedByTheBrowser()
    {
        // Another port is another origin, one Cors:Origins does not name.
        var origin = $"http://127.0.0.1:{Azurite.FreePort()}";
        await using var page = await PortalPage.StartAsync(origin, server.BaseAddress);
        var result = await RunInChromiumAsync(page.Url);

        // The preflight gets no Access-Control-Allow-Origin, so fetch itself fails: the page never sees an answer.
        result.GetProperty("signIn").ValueKind.ShouldBe(JsonValueKind.Null, result.GetRawText());
        result.GetProperty("error").GetString().ShouldNotBeNull().ShouldContain("Failed to fetch");
    }

    static async Task<JsonElement> RunInChromiumAsync(string url)
    {
        File.Exists(PortalBrowser.ChromiumPath).ShouldBeTrue($"{PortalBrowser.ChromiumPath} is missing: ./test.sh installs Debian's chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PortalBrowser.ChromiumPath,
            Headless = true,
            Args = PortalBrowser.ChromiumFlags,
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(url);
        // The page's script sets window.result when it is done, whatever happened.
        await page.WaitForFunctionAsync("() => window.result !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.result)");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>A one-page site on an origin of its own, serving the portal's page that calls the API.</summary>
    sealed class PortalPage : IAsyncDisposable
    {
        readonly HttpListener listener = new();
        readonly CancellationTokenSource stop = new();
        Task? serving;

        PortalPage(string origin) => Url = $"{origin}/";

        public string Url { get; }

        public static Task<PortalPage> StartAsync(string origin, Uri api)
        {
            var site = new PortalPage(origin);
            site.listener.Prefixes.Add(site.Url);
            site.listener.Start();
            var html = Encoding.UTF8.GetBytes(Html(api.ToString().TrimEnd('/')));
            site.serving = Task.Run(async () =>
            {
                while (!site.stop.IsCancellationRequested)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await site.listener.GetContextAsync().WaitAsync(site.stop.Token);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.OutputStream.WriteAsync(html);
                    context.Response.Close();
                }
            });
            return Task.FromResult(site);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Close();
            if (serving is not null)
            {
                await serving;
            }

            stop.Dispose();
        }

        // Every call is one a portal makes: JSON and an Authorization header (both need a preflight), an upload.
        static string Html(string api) => $$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>portal</title></head><body>
            <script>
            (async () => {
              const result = { signIn: null, user: null, upload: null, location: null, applications: null, applicationsBody: null, file: null, etag: null, error: null };
              try {
                const signIn = await fetch("{{api}}/api/auth/demo", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "citizen-wang" }) });
                result.signIn = signIn.status;
                const token = await signIn.json();
                result.user = token.user.id;
                const auth = { "Authorization": "Bearer " + token.accessToken };
                const jpeg = new Uint8Array([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]);
                const upload = await fetch("{{api}}/api/bundles/newborn/materials/babyPhoto/uploads", { method: "POST", headers: { ...auth, "Content-Type": "image/jpeg" }, body: jpeg });
                result.upload = upload.status;
                result.location = upload.headers.get("Location");
                const applications = await fetch("{{api}}/api/applications", { headers: auth });
                result.applications = applications.status;
                result.applicationsBody = (await applications.text()).slice(0, 1);
                const file = await fetch("{{api}}" + result.location, { headers: auth });
                result.file = file.status;
                result.etag = file.headers.get("ETag");
              } catch (e) {
                result.error = String(e && e.message || e);
              }
              window.result = result;
            })();
            </script></body></html>
            """;
    }
}
