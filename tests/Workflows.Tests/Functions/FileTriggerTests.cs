using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions.Triggers;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>
/// File downloads in the Functions app, through the real triggers on the emulator's storage: the owner reads an
/// upload with its type, disposition, ETag and ranges, and their certificate as a PDF; another applicant gets 404, no
/// token 401; anyone checks a certificate's code without a token.
/// </summary>
public sealed class FileTriggerTests : IAsyncLifetime
{
    const string SigningKey = "functions-file-tests-signing-key-0123456789abcd";
    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);
    static readonly byte[] Photo = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 60).Select(i => (byte)i)];

    FunctionsAppOnAzurite? app;

    IServiceProvider Services => app!.Services;

    public async Task InitializeAsync() => app = await FunctionsAppOnAzurite.StartAsync("files", SigningKey);

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upload_ItsOwner_ReadsItWithTypeDispositionETagAndRanges()
    {
        var owner = $"fn-{Guid.NewGuid():N}"[..20];
        var (material, id, sha) = await UploadAsync(owner);

        var whole = await CallAsync(Citizen(owner), material, id);
        whole.Status.ShouldBe(StatusCodes.Status200OK);
        whole.Body.ShouldBe(Photo);
        whole.Headers.ContentType.ToString().ShouldBe("image/jpeg");
        whole.Headers.ContentDisposition.ToString().ShouldBe("inline; filename=\"babyPhoto.jpg\"");
        whole.Headers.ETag.ToString().ShouldBe($"\"{sha}\"");

        var part = await CallAsync(Citizen(owner), material, id, range: "bytes=4-13");
        part.Status.ShouldBe(StatusCodes.Status206PartialContent);
        part.Body.ShouldBe(Photo[4..14]);
        part.Headers.ContentRange.ToString().ShouldBe($"bytes 4-13/{Photo.Length}");

        (await CallAsync(Citizen(owner), material, id, range: $"bytes={Photo.Length + 5}-")).Status.ShouldBe(StatusCodes.Status416RangeNotSatisfiable);
    }

    [Fact]
    public async Task AnswerToAPage_NamesTheHeadersItMayRead()
    {
        // App Service CORS cannot name exposed headers, so the app does, for a request that comes from a page.
        var owner = $"fn-{Guid.NewGuid():N}"[..20];
        var (material, id, _) = await UploadAsync(owner);

        var fromPage = await CallAsync(Citizen(owner), material, id, origin: "https://portal.example.gov.cn");
        var exposed = fromPage.Headers.AccessControlExposeHeaders.ToString();
        foreach (var header in new[] { "ETag", "Location", "Retry-After" })
        {
            exposed.ShouldContain(header);
        }

        (await CallAsync(Citizen(owner), material, id)).Headers.ContainsKey("Access-Control-Expose-Headers").ShouldBeFalse();
    }

    [Fact]
    public async Task Upload_AnotherApplicantOrNoToken_IsRefused()
    {
        var (material, id, _) = await UploadAsync($"fn-{Guid.NewGuid():N}"[..20]);

        var other = await CallAsync(Citizen($"fn-{Guid.NewGuid():N}"[..20]), material, id);
        other.Status.ShouldBe(StatusCodes.Status404NotFound);
        Encoding.UTF8.GetString(other.Body).ShouldNotContain(id);
        (await CallAsync(null, material, id)).Status.ShouldBe(StatusCodes.Status401Unauthorized);
        (await CallAsync(Tokens.Mint("officer-hospital", "officer", CallerRole.Officer, department: "hospital"), material, id)).Status.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Fact]
    public async Task Certificate_ItsHolderGetsThePdf_AndAnyoneChecksItsCodeWithoutAToken()
    {
        var holder = $"fn-{Guid.NewGuid():N}"[..20];
        var number = $"ID-{Guid.NewGuid():N}"[..16];
        var licence = new LicenceRecord(holder, "id-card", number, "居民身份证", "police", null, null, DateTime.UtcNow, LicenceRegistry.BlobNameFor(holder, "id-card", number));
        await Services.GetRequiredService<LicenceRegistry>().IssueAsync(licence, new { number });

        var pdf = await InvokeAsync(Citizen(holder), (r, c, x) => ApiTriggers.ApiGetLicenceFile(r, "id-card", number, x));
        pdf.Status.ShouldBe(StatusCodes.Status200OK, Encoding.UTF8.GetString(pdf.Body));
        pdf.Headers.ContentType.ToString().ShouldBe("application/pdf");
        Encoding.Latin1.GetString(pdf.Body).ShouldStartWith("%PDF-");
        (await InvokeAsync(Citizen($"fn-{Guid.NewGuid():N}"[..20]), (r, c, x) => ApiTriggers.ApiGetLicenceFile(r, "id-card", number, x))).Status.ShouldBe(StatusCodes.Status404NotFound);

        var code = await Services.GetRequiredService<CertificateCodes>().CodeForAsync(licence);
        var verified = await InvokeAsync(null, (r, c, x) => ApiTriggers.ApiCheckCertificate(r, code, c, x));
        verified.Status.ShouldBe(StatusCodes.Status200OK);
        var text = Encoding.UTF8.GetString(verified.Body);
        text.ShouldContain("\"status\":\"valid\"");
        text.ShouldNotContain(holder);
        (await InvokeAsync(null, (r, c, x) => ApiTriggers.ApiCheckCertificate(r, "ABCDEFGHJKLMNPQR", c, x))).Status.ShouldBe(StatusCodes.Status404NotFound);
    }

    static string Citizen(string id) => Tokens.Mint(id, "王芳", CallerRole.Applicant, ApplicantKind.Citizen);

    async Task<(string Material, string Id, string Sha)> UploadAsync(string owner)
    {
        var definition = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
        var (upload, problem) = await Services.GetRequiredService<MaterialUploads>().UploadAsync(owner, definition, "image/jpeg", new MemoryStream(Photo), null);
        problem.ShouldBeNull();
        return (upload!.MaterialKey, upload.Reference[(upload.Reference.LastIndexOf('/') + 1)..], upload.Sha256);
    }

    async Task<(int Status, byte[] Body, IHeaderDictionary Headers)> CallAsync(string? token, string material, string id, string? range = null, string? origin = null)
    {
        var answer = await app!.InvokeAsync(token, (request, _, context) => ApiTriggers.ApiGetUploadFile(request, material, id, context), request =>
        {
            if (range is not null)
            {
                request.Headers.Range = range;
            }

            if (origin is not null)
            {
                request.Headers.Origin = origin;
            }
        });
        return (answer.Status, answer.Body, answer.Headers);
    }

    async Task<(int Status, byte[] Body, IHeaderDictionary Headers)> InvokeAsync(
        string? token, Func<HttpRequest, GrpcDurableTaskClient, FunctionContext, Task<Microsoft.AspNetCore.Mvc.IActionResult>> trigger)
    {
        var answer = await app!.InvokeAsync(token, trigger);
        return (answer.Status, answer.Body, answer.Headers);
    }
}
