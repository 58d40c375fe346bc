using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Workflows.Functions;

// The Functions host: the engine, the HTTP API and the start-up seeding, registered as AppServices says.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddWorkflowsFunctionsApp(builder.Configuration);
await builder.Build().RunAsync();
