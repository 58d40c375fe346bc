namespace Workflows.Testing;

/// <summary>Unique task hub and table prefix names, so tests sharing one emulator never see each other's state.</summary>
public static class TaskHubNames
{
    /// <summary>A fresh name: letters and digits, starting with <paramref name="prefix"/>.</summary>
    /// <param name="prefix">A few letters saying which test made it.</param>
    /// <returns>The name, at most 3 + 20 characters.</returns>
    public static string New(string prefix) => prefix + Guid.NewGuid().ToString("N")[..20];
}
