using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Workflows.Functions.Http;

/// <summary>Writes a shared handler's <see cref="IResult"/> as a Functions HTTP trigger's <see cref="IActionResult"/>.</summary>
/// <param name="result">The handler's result.</param>
public sealed class ResultActionResult(IResult result) : IActionResult
{
    /// <summary>The handler's result.</summary>
    public IResult Result { get; } = result;

    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
