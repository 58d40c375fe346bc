using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Tasks;

namespace Workflows.Files;

/// <summary>
/// Files a browser downloads: an applicant their own uploads and certificates, an officer the materials of a task of
/// their department (only those the task's item needs). Everything else is 404, as for every other ownership rule.
/// Answers carry the stored media type, <c>Content-Disposition</c> (inline for images and PDF so a browser previews
/// them, attachment otherwise, with a file name), a strong ETag and byte ranges (206, 416).
/// </summary>
public sealed class FilesApi(
    StorageTables storage, MaterialUploads uploads, LicenceRegistry licences, TaskStore tasks, ApplicationStore applications, CertificatePdf certificates, CertificateCodes codes)
{
    /// <summary>One of the caller's uploads: the 201 Location of the upload.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="uploadId">The upload's id (the last part of its reference).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or 404.</returns>
    public async Task<IResult> GetUploadAsync(Caller caller, string material, string uploadId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Identifiers.IsSafe(material) || !Identifiers.IsSafe(uploadId))
        {
            return ApiProblems.NotFound("upload");
        }

        // Looked up under the caller's own id: another person's upload is not found.
        var upload = await uploads.GetAsync(caller.Id, UploadReference(caller.Id, material, uploadId), cancellationToken);
        return upload is null ? ApiProblems.NotFound("upload") : await UploadFileAsync(upload, cancellationToken);
    }

    /// <summary>A material of the application a task of the caller's department needs, as the applicant gave it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or 404 (another department's task, a material the item does not need, or none uploaded).</returns>
    public async Task<IResult> GetTaskMaterialAsync(Caller caller, string taskId, string material, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var stored = await tasks.GetStoredAsync(caller.Department!, taskId, cancellationToken);
        if (stored is null)
        {
            // The same answer as for a material the task does not show: nothing tells one 404 from another.
            return ApiProblems.NotFound("material");
        }

        // Only what the task's item uses, as the task's application view shows it; an upload or a supplied file.
        var record = await applications.GetAsync(stored.Task.ApplicationId, cancellationToken);
        var entry = record?.Materials.FirstOrDefault(m => m.Key == material && m.RequiredBy.Contains(stored.Task.ItemKey)
            && m.Status is MaterialStatus.Uploaded or MaterialStatus.Supplied && m.Reference is not null);
        var upload = entry is null ? null : await uploads.GetAsync(record!.Applicant.Id, entry.Reference!, cancellationToken);
        return upload is null ? ApiProblems.NotFound("material") : await UploadFileAsync(upload, cancellationToken);
    }

    /// <summary>One of the caller's certificates (a licence they hold), as a PDF with its verification code.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="type">The licence type.</param>
    /// <param name="number">The certificate's number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document, or 404.</returns>
    public async Task<IResult> GetLicenceAsync(Caller caller, string type, string number, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var licence = (await licences.ListAsync(caller.Id, cancellationToken)).FirstOrDefault(l => l.LicenceType == type && l.Number == number);
        if (licence is null)
        {
            return ApiProblems.NotFound("licence");
        }

        if (!certificates.FontAvailable)
        {
            // Without a CJK font the certificate would be boxes: refused, saying what the server lacks.
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "certificate.fontMissing", "Certificates cannot be rendered here.", "服务器没有用于生成证照的中文字体（Certificates:FontFile；Debian 的 fonts-droid-fallback）。",
                "The server has no CJK font to render certificates with (Certificates:FontFile; Debian's fonts-droid-fallback).", []);
        }

        // The holder as the application that issued it names them; a licence held from before, as their sign-in does.
        var holder = licence.ApplicationId is { } applicationId && await applications.GetAsync(applicationId, cancellationToken) is { } record
            ? record.Applicant.Name
            : caller.Name;
        var catalog = Templates.BuiltInTemplates.Catalog;
        var content = new CertificateContent(
            licence.Name,
            catalog.FindLicenceType(licence.LicenceType)?.Name ?? licence.LicenceType,
            holder,
            licence.Number,
            catalog.Departments.FirstOrDefault(d => d.Code == licence.IssuedBy)?.Name ?? licence.IssuedBy,
            // Dates on a certificate are China's (UTC+8, no daylight saving), whatever the server's zone.
            DateOnly.FromDateTime(DateTime.SpecifyKind(licence.IssuedAt, DateTimeKind.Utc).AddHours(8)),
            await codes.CodeForAsync(licence, cancellationToken));
        var pdf = await StoredPdfAsync(licence, content, cancellationToken);
        // The PDF is stored once and never rewritten, so the hash of its bytes is a strong ETag and ranges resume on it.
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf))}\"");
        return new FileAnswer(Results.Bytes(pdf, "application/pdf", fileDownloadName: null, enableRangeProcessing: true, entityTag: etag),
            Disposition("application/pdf", $"{type}-{number}"));
    }

    // The certificate as first rendered, kept beside its document (create only: a second render that raced this one
    // yields to the first), so every download is the same bytes. One with characters the fonts lack is served but not
    // kept, so it renders again once the fonts have them.
    async Task<byte[]> StoredPdfAsync(LicenceRecord licence, CertificateContent content, CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(LicenceRegistry.ContainerName);
        var blob = container.GetBlobClient(Path.ChangeExtension(licence.BlobName, ".pdf"));
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            // Rendered below.
        }

        var rendered = certificates.Render(content);
        if (rendered.MissingCharacters.Count > 0)
        {
            return rendered.Pdf;
        }

        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(rendered.Pdf), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf" },
            }, cancellationToken);
            return rendered.Pdf;
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
    }

    /// <summary>Where an upload can be read: the path of <see cref="ApiRoutes.UploadFile"/> under <c>/api</c>.</summary>
    /// <param name="upload">The upload.</param>
    /// <returns>The path.</returns>
    public static string LocationOf(UploadedMaterial upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var id = upload.Reference[(upload.Reference.LastIndexOf('/') + 1)..];
        return $"/api/uploads/{Uri.EscapeDataString(upload.MaterialKey)}/{Uri.EscapeDataString(id)}";
    }

    // The reference MaterialUploads gave the file: the applicant's (escaped) id, the material, the id.
    static string UploadReference(string applicantId, string material, string uploadId) => $"{TableKeys.Escape(applicantId)}/{material}/{uploadId}";

    async Task<IResult> UploadFileAsync(UploadedMaterial upload, CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(MaterialUploads.ContainerName);
        // Read lazily and seekable, so a range reads only its bytes.
        var stream = await container.GetBlobClient(upload.Reference).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        // The file's hash is what it is: a strong ETag that never changes (an upload is never overwritten).
        var etag = new EntityTagHeaderValue($"\"{upload.Sha256}\"");
        return new FileAnswer(
            Results.Stream(stream, upload.ContentType, fileDownloadName: null, lastModified: new DateTimeOffset(DateTime.SpecifyKind(upload.UploadedAt, DateTimeKind.Utc)), entityTag: etag, enableRangeProcessing: true),
            Disposition(upload.ContentType, upload.MaterialKey));
    }

    // Inline for what a browser shows safely (images, PDF), a download for anything else; the name is ASCII (material
    // keys and licence numbers are safe ids), so no filename* is needed.
    static string Disposition(string contentType, string name)
    {
        var (inline, extension) = contentType switch
        {
            "image/jpeg" => (true, ".jpg"),
            "image/png" => (true, ".png"),
            "application/pdf" => (true, ".pdf"),
            "application/json" => (false, ".json"),
            _ => (false, string.Empty),
        };
        return new ContentDispositionHeaderValue(inline ? "inline" : "attachment") { FileName = $"\"{name}{extension}\"" }.ToString();
    }

    /// <summary>A file's answer with the headers every download carries.</summary>
    /// <param name="inner">The file result (type, ETag, ranges).</param>
    /// <param name="disposition">The Content-Disposition.</param>
    sealed class FileAnswer(IResult inner, string disposition) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var headers = httpContext.Response.Headers;
            headers.ContentDisposition = disposition;
            // Never sniffed into something else (an upload claiming to be an image is served as one or not at all),
            // and kept in the user's own cache only.
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "private, no-cache";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
