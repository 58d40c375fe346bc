namespace Workflows.Storage;

/// <summary>Keys for Azure Tables: the characters the service forbids in partition and row keys are escaped.</summary>
public static class TableKeys
{
    /// <summary>Escapes '/', '\', '#', '?' and control characters so any instance id or step name is a valid key.</summary>
    /// <param name="value">The raw key.</param>
    /// <returns>A valid table key that maps back one-to-one.</returns>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var sb = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    /// <param name="key">An escaped key.</param>
    /// <returns>The raw value.</returns>
    public static string Unescape(string key) => Uri.UnescapeDataString(key);

    static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
