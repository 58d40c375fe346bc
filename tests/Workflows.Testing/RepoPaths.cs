using System.Reflection;

namespace Workflows.Testing;

/// <summary>Finds the repository and the build outputs that tests start as processes.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the folder holding Workflows.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration this assembly was built in (Debug or Release).</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The local server's entry assembly, built in the same configuration.</summary>
    public static string ServerDll => Path.Combine(Root, "workflows", "Workflows.Server", "bin", Configuration, "net10.0", "Workflows.Server.dll");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Workflows.sln above {AppContext.BaseDirectory}.");
    }
}
