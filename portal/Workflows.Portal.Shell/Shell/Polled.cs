using Workflows.ApiClient;

namespace Workflows.Portal.Shell;

/// <summary>
/// One read a page polls (the task list, the tracker's application): the next read sends If-None-Match with the ETag of
/// the last answer to the same URL, and the API's 304 reads as "unchanged", so the page does nothing. The generated client
/// has no header parameter for it: <see cref="ApiHandler"/> adds it for the read running inside <see cref="ReadAsync"/>.
/// </summary>
public sealed class Polled
{
    static readonly AsyncLocal<Polled?> Running = new();

    string? url;
    string? etag;

    /// <summary>The read running in this flow, if any.</summary>
    internal static Polled? Current => Running.Value;

    /// <summary>Reads; null when the answer is unchanged since the last read of the same URL.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="read">The generated client's call.</param>
    /// <returns>The answer, or null when unchanged.</returns>
    public async Task<T?> ReadAsync<T>(Func<Task<T>> read)
        where T : class
    {
        Running.Value = this;
        try
        {
            return await read();
        }
        catch (WorkflowsApiException e) when (e.StatusCode == 304)
        {
            return null;
        }
        finally
        {
            Running.Value = null;
        }
    }

    /// <summary>Forgets the last answer: the next read is whole (after the page changed what it shows).</summary>
    public void Forget() => url = etag = null;

    /// <summary>The If-None-Match to send for this URL, if the last answer was of it.</summary>
    internal string? TagFor(Uri? requestUrl) => requestUrl?.ToString() == url ? etag : null;

    /// <summary>Keeps the ETag of a 200 for the next read of the same URL.</summary>
    internal void Keep(Uri? requestUrl, string? tag)
    {
        url = tag is null ? null : requestUrl?.ToString();
        etag = tag;
    }
}
