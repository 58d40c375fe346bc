using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Workflows;

// The Functions host: the same engine registration as the local host, and nothing else.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddWorkflows(builder.Configuration);
await builder.Build().RunAsync();
