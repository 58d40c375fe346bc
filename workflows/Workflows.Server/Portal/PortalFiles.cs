using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Workflows.Server.Portal;

/// <summary>
/// Serves the portal's published folder (<c>Portal:Root</c>, which ./run.sh and the end-to-end tier set) at <c>/</c>:
/// the files as published, brotli or gzip where the publish compressed them and the browser takes it, fingerprinted
/// files cached for good and the rest revalidated by ETag; any other page path is the app's (index.html), so a link to
/// /applications/A-1 opens the tracker. Paths of the API, the document and health stay theirs: an unknown /api route is
/// the API's 404, never the app's page. Azure serves the same folder as a Static Web App instead.
/// </summary>
public static class PortalFiles
{
    /// <summary>The setting naming the published folder (its wwwroot).</summary>
    public const string RootSetting = "Portal:Root";

    static readonly string[] ServerPaths = ["/api", "/openapi", "/scalar", "/healthz"];

    /// <summary>Whether configuration names a portal folder that exists.</summary>
    /// <param name="configuration">The settings.</param>
    /// <param name="root">The folder.</param>
    /// <returns>True when the portal can be served.</returns>
    public static bool TryGetRoot(IConfiguration configuration, out string root)
    {
        root = configuration[RootSetting] is { Length: > 0 } r ? Path.GetFullPath(r) : string.Empty;
        return root.Length > 0 && File.Exists(Path.Combine(root, "index.html"));
    }

    /// <summary>Serves the portal from <paramref name="root"/>.</summary>
    /// <param name="app">The application.</param>
    /// <param name="root">The published wwwroot.</param>
    /// <returns>The application.</returns>
    public static WebApplication UsePortal(this WebApplication app, string root)
    {
        var files = new PhysicalFileProvider(root);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".dat"] = "application/octet-stream";
        types.Mappings[".blat"] = "application/octet-stream";
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".webmanifest"] = "application/manifest+json";
        // The compressed twins, which the rewrite below serves under their original's type and encoding.
        types.Mappings[".br"] = "application/octet-stream";
        types.Mappings[".gz"] = "application/octet-stream";

        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !IsServerPath(request.Path))
            {
                var path = request.Path.Value is null or "/" ? "/index.html" : request.Path.Value;
                if (!files.GetFileInfo(path).Exists && !Path.HasExtension(path))
                {
                    // A page of the app: its own router shows it.
                    path = "/index.html";
                }

                if (files.GetFileInfo(path).Exists && types.TryGetContentType(path, out var type))
                {
                    context.Items[ContentTypeKey] = type;
                    context.Items[CacheKey] = IsFingerprinted(path);
                    var accepts = request.Headers.AcceptEncoding.ToString();
                    foreach (var (suffix, encoding) in new[] { (".br", "br"), (".gz", "gzip") })
                    {
                        if (accepts.Contains(encoding, StringComparison.OrdinalIgnoreCase) && files.GetFileInfo(path + suffix).Exists)
                        {
                            context.Items[EncodingKey] = encoding;
                            path += suffix;
                            break;
                        }
                    }

                    request.Path = path;
                }
            }

            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = types,
            ServeUnknownFileTypes = false,
            OnPrepareResponse = r =>
            {
                var items = r.Context.Items;
                if (items[ContentTypeKey] is not string type)
                {
                    return;
                }

                var headers = r.Context.Response.Headers;
                headers.ContentType = type;
                headers.Vary = HeaderNames.AcceptEncoding;
                if (items[EncodingKey] is string encoding)
                {
                    headers.ContentEncoding = encoding;
                }

                headers.CacheControl = items[CacheKey] is true ? "public, max-age=31536000, immutable" : "no-cache";
                headers.XContentTypeOptions = "nosniff";
            },
        });
        return app;
    }

    const string ContentTypeKey = "portal.contentType";
    const string EncodingKey = "portal.encoding";
    const string CacheKey = "portal.immutable";

    static bool IsServerPath(PathString path) => ServerPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    // The publish names framework files with a content hash (dotnet.native.abc123.wasm): a new build is a new name.
    static bool IsFingerprinted(string path) =>
        path.StartsWith("/_framework/", StringComparison.Ordinal) && !path.EndsWith("blazor.boot.json", StringComparison.Ordinal)
        && Path.GetFileNameWithoutExtension(path).Split('.') is { Length: > 1 } parts && parts[^1].Length >= 8;
}
