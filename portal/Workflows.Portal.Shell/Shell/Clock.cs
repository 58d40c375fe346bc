using Microsoft.JSInterop;

namespace Workflows.Portal.Shell;

/// <summary>
/// Times as the person's browser shows them. The app ships without a time-zone database (size), so the browser's
/// offset is read once at start and every time the API sends is shown at that offset.
/// </summary>
public sealed class Clock
{
    /// <summary>The browser's offset from UTC.</summary>
    public TimeSpan Offset { get; private set; }

    /// <summary>Reads the browser's offset.</summary>
    /// <param name="js">The page's JavaScript runtime.</param>
    public async Task LoadAsync(IJSRuntime js)
    {
        var minutes = await js.InvokeAsync<int>("portal.offsetMinutes");
        Offset = TimeSpan.FromMinutes(minutes);
    }

    /// <summary>A date and time at the browser's offset, as people read it (2026-12-03 09:30).</summary>
    /// <param name="at">The time.</param>
    /// <returns>The text.</returns>
    public string Show(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A date at the browser's offset (2026-12-03).</summary>
    /// <param name="at">The time.</param>
    /// <returns>The text.</returns>
    public string ShowDate(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
