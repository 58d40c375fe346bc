using Microsoft.Azure.Functions.Worker;

namespace Workflows.Tests.Functions;

/// <summary>The invocation's context as the worker hands it to a trigger; the triggers read only its services.</summary>
/// <param name="services">The invocation's services.</param>
internal sealed class TestInvocationContext(IServiceProvider services) : FunctionContext
{
    public override string InvocationId => "test-invocation";

    public override string FunctionId => "test-function";

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();
}
