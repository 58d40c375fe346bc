using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Workflows.Functions.Triggers;

namespace Workflows.Tests.Functions;

/// <summary>
/// The Functions app has no source generator for class-based tasks, so its triggers are written by hand.
/// These tests keep them in step with <see cref="WorkflowTasks.Register"/>: every registered task has a
/// trigger of its kind and name, and no trigger names a task the engine does not register.
/// </summary>
public class TriggerCompletenessTests
{
    private static readonly Assembly FunctionsAssembly = typeof(SelfCheckTriggers).Assembly;

    [Fact]
    public void Triggers_RegisteredTasksAndTriggers_AreNonEmpty()
    {
        var (orchestrators, activities) = RegisteredTasks();
        orchestrators.ShouldNotBeEmpty("WorkflowTasks.Register added no orchestrators");
        activities.ShouldNotBeEmpty("WorkflowTasks.Register added no activities");
        Triggers().ShouldContain(t => t.Kind == TriggerKind.Orchestration, "the Functions assembly has no orchestration triggers");
        Triggers().ShouldContain(t => t.Kind == TriggerKind.Activity, "the Functions assembly has no activity triggers");
    }

    [Fact]
    public void Triggers_EveryOrchestrator_HasOrchestrationTrigger()
    {
        var triggered = TriggerNames(TriggerKind.Orchestration);
        RegisteredTasks().Orchestrators.Where(name => !triggered.Contains(name))
            .ShouldBeEmpty("these orchestrators have no [OrchestrationTrigger] function of the same name");
    }

    [Fact]
    public void Triggers_EveryActivity_HasActivityTrigger()
    {
        var triggered = TriggerNames(TriggerKind.Activity);
        RegisteredTasks().Activities.Where(name => !triggered.Contains(name))
            .ShouldBeEmpty("these activities have no [ActivityTrigger] function of the same name");
    }

    [Fact]
    public void Triggers_EveryOrchestrationTrigger_NamesRegisteredOrchestrator()
    {
        var registered = RegisteredTasks().Orchestrators;
        TriggerNames(TriggerKind.Orchestration).Where(name => !registered.Contains(name))
            .ShouldBeEmpty("these orchestration triggers name no orchestrator WorkflowTasks.Register adds");
    }

    [Fact]
    public void Triggers_EveryActivityTrigger_NamesRegisteredActivity()
    {
        var registered = RegisteredTasks().Activities;
        TriggerNames(TriggerKind.Activity).Where(name => !registered.Contains(name))
            .ShouldBeEmpty("these activity triggers name no activity WorkflowTasks.Register adds");
    }

    [Fact]
    public void Triggers_FunctionNames_AreUnique()
        => Triggers().GroupBy(t => t.FunctionName, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ShouldBeEmpty("the Functions host refuses two functions of the same name");

    private enum TriggerKind
    {
        Orchestration,
        Activity,
    }

    private sealed record Trigger(TriggerKind Kind, string FunctionName, string TaskName);

    /// <summary>The names of the tasks the engine registers, read back from a registry it filled.</summary>
    private static (HashSet<string> Orchestrators, HashSet<string> Activities) RegisteredTasks()
    {
        var registry = new DurableTaskRegistry();
        WorkflowTasks.Register(registry);
        return (
            registry.GetOrchestrators().Select(o => o.Key.Name).ToHashSet(StringComparer.Ordinal),
            registry.GetActivities().Select(a => a.Key.Name).ToHashSet(StringComparer.Ordinal));
    }

    private static HashSet<string> TriggerNames(TriggerKind kind)
        => Triggers().Where(t => t.Kind == kind).Select(t => t.TaskName).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Every [Function] method of the Functions assembly with a Durable trigger parameter. The task it serves is the
    /// trigger's own name when set, else the function's name (the Durable extension's rule).
    /// </summary>
    private static List<Trigger> Triggers()
    {
        const BindingFlags AllMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
            | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var triggers = new List<Trigger>();
        foreach (var method in FunctionsAssembly.GetTypes().SelectMany(t => t.GetMethods(AllMethods)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            foreach (var parameter in method.GetParameters())
            {
                if (parameter.GetCustomAttribute<OrchestrationTriggerAttribute>() is { } orchestration)
                {
                    triggers.Add(new Trigger(TriggerKind.Orchestration, function.Name, NameOrDefault(orchestration.Orchestration, function.Name)));
                }

                if (parameter.GetCustomAttribute<ActivityTriggerAttribute>() is { } activity)
                {
                    triggers.Add(new Trigger(TriggerKind.Activity, function.Name, NameOrDefault(activity.Activity, function.Name)));
                }
            }
        }

        return triggers;
    }

    private static string NameOrDefault(string? name, string functionName)
        => string.IsNullOrEmpty(name) ? functionName : name;
}
