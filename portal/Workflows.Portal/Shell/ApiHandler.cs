using System.Net.Http.Headers;

namespace Workflows.Portal.Shell;

/// <summary>Every API call carries the signed-in user's token and the page's language (which picks the API's texts).</summary>
/// <param name="session">The page's session.</param>
public sealed class ApiHandler(Session session) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (session.User is { } user && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        request.Headers.AcceptLanguage.Clear();
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(session.English ? "en" : "zh-CN"));
        return base.SendAsync(request, cancellationToken);
    }
}
