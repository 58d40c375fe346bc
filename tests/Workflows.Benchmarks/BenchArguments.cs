using Workflows.Hosting;

namespace Workflows.Benchmarks;

/// <summary>
/// The command line: <c>[--quick] [--http-only] [--portal] [--backlog] [--out PATH]</c>. The bench runs each profile in a child process
/// of its own, started with the internal <c>--profile NAME --result PATH</c>, then the HTTP part.
/// </summary>
/// <param name="Quick">Small counts; the report is written only where --out says.</param>
/// <param name="Out">Where to write the report, relative to the current folder; null for the default.</param>
/// <param name="Profile">Child process only: the one profile to measure.</param>
/// <param name="Result">Child process only: where to write its result as JSON.</param>
/// <param name="HttpOnly">Only the HTTP part, for developing it; its report is written only where --out says.</param>
/// <param name="Portal">Only the portal part (issue 16's speed): it replaces the report's Portal section and nothing else.</param>
/// <param name="Backlog">Only the backpressure part (issue 19): it replaces the report's Backpressure section and nothing else.</param>
/// <param name="Simulation">Only the simulation of a draft (issue 17's speed): it replaces the report's Simulation section and nothing else.</param>
/// <param name="Designer">Only the designer's edits (issue 17's speed): it replaces the report's Designer section and nothing else.</param>
/// <param name="Growth">Only the measure on stores of growing size (issue 19): it replaces the report's "Flat as the store grows" section and nothing else.</param>
/// <param name="Bundles">Only the cost per bundle (issue 19): bundles at 2.5 and 2.6 beside the bare engine of the same shape, on one engine; it replaces the report's "Cost per bundle" section and nothing else.</param>
/// <param name="Officers">Only the officer-decided bundles (issue 19): the newborn bundle decided by scripted officers beside the bare engine's chain of as many external events, on one engine; it replaces the report's "Officer-decided bundles" section and nothing else.</param>
/// <param name="Hosts">Only one engine host against two (issue 19): the same workloads on one host, then on two host processes sharing one task hub on one Azurite; it replaces the report's "One host against two" section and nothing else.</param>
/// <param name="Levels">With <c>--growth</c>: the numbers of stored applications to measure at (<c>--levels 0,10000,100000</c>); null for the default.</param>
public sealed record BenchArguments(bool Quick, string? Out, EngineProfile? Profile = null, string? Result = null, bool HttpOnly = false, bool Portal = false, bool Backlog = false, bool Simulation = false,
    bool Growth = false, IReadOnlyList<int>? Levels = null, bool Bundles = false, bool Designer = false, bool Officers = false, bool Hosts = false)
{
    /// <summary>How to call the bench.</summary>
    public const string Usage = "usage: dotnet run -c Release --project tests/Workflows.Benchmarks -- [--quick] [--http-only] [--portal] [--backlog] [--simulation] [--designer] [--bundles] [--officers] [--hosts] [--growth [--levels 0,10000,100000]] [--out docs/benchmarks.md]";

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="arguments">The parsed arguments.</param>
    /// <param name="error">Why parsing failed.</param>
    /// <returns>Whether the arguments are valid.</returns>
    public static bool TryParse(string[] args, out BenchArguments arguments, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (quick, httpOnly, output, result) = (false, false, (string?)null, (string?)null);
        var portal = false;
        var backlog = false;
        var simulation = false;
        var growth = false;
        var bundles = false;
        var designer = false;
        var officers = false;
        var hosts = false;
        IReadOnlyList<int>? levels = null;
        EngineProfile? profile = null;
        arguments = new BenchArguments(false, null);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--http-only":
                    httpOnly = true;
                    break;
                case "--portal":
                    portal = true;
                    break;
                case "--backlog":
                    backlog = true;
                    break;
                case "--simulation":
                    simulation = true;
                    break;
                case "--designer":
                    designer = true;
                    break;
                case "--growth":
                    growth = true;
                    break;
                case "--bundles":
                    bundles = true;
                    break;
                case "--officers":
                    officers = true;
                    break;
                case "--hosts":
                    hosts = true;
                    break;
                case "--levels" when i + 1 < args.Length && ParseLevels(args[i + 1]) is { } parsed:
                    levels = parsed;
                    i++;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--profile" when i + 1 < args.Length && Enum.TryParse<EngineProfile>(args[i + 1], out var p):
                    profile = p;
                    i++;
                    break;
                case "--result" when i + 1 < args.Length:
                    result = args[++i];
                    break;
                default:
                    error = $"unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }

        if ((profile is null) != (result is null))
        {
            error = "--profile and --result go together";
            return false;
        }

        if (httpOnly && profile is not null)
        {
            error = "--http-only is not for a profile's process";
            return false;
        }

        if (portal && (httpOnly || profile is not null))
        {
            error = "--portal runs alone";
            return false;
        }

        if (backlog && (portal || httpOnly || profile is not null))
        {
            error = "--backlog runs alone";
            return false;
        }

        if (simulation && (portal || backlog || httpOnly || profile is not null))
        {
            error = "--simulation runs alone";
            return false;
        }

        if (growth && (simulation || portal || backlog || httpOnly || profile is not null))
        {
            error = "--growth runs alone";
            return false;
        }

        if (bundles && (growth || simulation || portal || backlog || httpOnly || profile is not null))
        {
            error = "--bundles runs alone";
            return false;
        }

        if (designer && (bundles || growth || simulation || portal || backlog || httpOnly || profile is not null))
        {
            error = "--designer runs alone";
            return false;
        }

        if (officers && (designer || bundles || growth || simulation || portal || backlog || httpOnly || profile is not null))
        {
            error = "--officers runs alone";
            return false;
        }

        if (hosts && (officers || designer || bundles || growth || simulation || portal || backlog || httpOnly || profile is not null))
        {
            error = "--hosts runs alone";
            return false;
        }

        if (levels is not null && !growth)
        {
            error = "--levels goes with --growth";
            return false;
        }

        arguments = new BenchArguments(quick, output, profile, result, httpOnly, portal, backlog, simulation, growth, levels, bundles, designer, officers, hosts);
        error = null;
        return true;
    }

    // "0,10000,100000": distinct, not negative, in rising order; null for anything else.
    static List<int>? ParseLevels(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var level) || (levels.Count > 0 && level <= levels[^1]))
            {
                return null;
            }

            levels.Add(level);
        }

        return levels;
    }
}
