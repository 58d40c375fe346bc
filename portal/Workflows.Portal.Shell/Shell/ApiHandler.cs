using System.Net.Http.Headers;

namespace Workflows.Portal.Shell;

/// <summary>Every API call carries the signed-in user's token and the page's language (which picks the API's texts).</summary>
/// <param name="session">The page's session.</param>
public sealed class ApiHandler(Session session) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (session.User is { } user && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        request.Headers.AcceptLanguage.Clear();
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(session.English ? "en" : "zh-CN"));
        // A polled read asks only for a change (Polled); the 304 is then the generated client's "Not Modified" exception.
        var polled = request.Method == HttpMethod.Get ? Polled.Current : null;
        if (polled?.TagFor(request.RequestUri) is { } tag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (polled is not null && response.StatusCode == System.Net.HttpStatusCode.OK)
        {
            polled.Keep(request.RequestUri, response.Headers.ETag?.ToString());
        }

        return response;
    }
}
