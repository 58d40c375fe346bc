using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Templates;

namespace Workflows.Auth;

/// <summary>The body of a demo sign-in.</summary>
/// <param name="User">The demo user's id, e.g. <c>citizen-wang</c> (<c>GET /api/auth/demo/users</c> lists them).</param>
public sealed record DemoSignInRequest(string? User);

/// <summary>A demo user as a sign-in page shows them.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Role">applicant, officer or admin (the token's <c>role</c>).</param>
/// <param name="Kind">For an applicant: citizen or company.</param>
/// <param name="Department">For an officer: the department.</param>
/// <param name="Supervisor">For an officer: a supervisor of the department.</param>
/// <param name="Assist">For an officer: may file on behalf of citizens.</param>
public sealed record DemoUserView(string Id, string Name, string Role, ApplicantKind? Kind, string? Department, bool Supervisor, bool Assist);

/// <summary>A demo sign-in's answer: the bearer token the page sends from now on.</summary>
/// <param name="AccessToken">The bearer token.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresAt">When the token stops working.</param>
/// <param name="User">Who it signs in.</param>
public sealed record DemoSignInResponse(string AccessToken, string TokenType, DateTime ExpiresAt, DemoUserView User);

/// <summary>
/// Demo sign-in for pages run against the local server: the same token <c>./run.sh token USER</c> prints, for a demo
/// user the server knows. It exists only where <c>Auth:DemoUsers</c> is on and tokens are signed with the local key;
/// everywhere else both routes answer 404, as a route that is not there would (so it never mints a token, an
/// administrator's least of all, where demo users are off). Azure signs people in with Entra ID and does not map it.
/// </summary>
/// <param name="options">The signing settings.</param>
/// <param name="time">The clock.</param>
public sealed class DemoSignIn(AuthOptions options, TimeProvider time)
{
    /// <summary>Whether demo sign-in is on here: demo users on, and tokens signed with a usable local key.</summary>
    public bool Enabled => options.DemoUsers && string.IsNullOrWhiteSpace(options.Authority) && options.Validate().Count == 0;

    /// <summary>The demo users one may sign in as.</summary>
    /// <returns>200 with the users, or 404 where demo sign-in is off.</returns>
    public IResult ListUsers() => Enabled
        ? Results.Ok(Paging.Whole<DemoUserView>([.. DemoUsers.All(BuiltInTemplates.Catalog).Select(View)]))
        : ApiProblems.NotFound("route");

    /// <summary>Signs in as a demo user.</summary>
    /// <param name="request">The request, whose body is a <see cref="DemoSignInRequest"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the token; 400 naming <c>user</c> for an unknown user; 404 where demo sign-in is off.</returns>
    public async Task<IResult> SignInAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            // Refused before the body is read: off means the route is not there.
            return ApiProblems.NotFound("route");
        }

        var (body, problem) = await ApiJson.ReadAsync<DemoSignInRequest>(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.User))
        {
            return ApiProblems.Invalid(new ApiError("user", "field.required", "请指明演示用户（GET /api/auth/demo/users 列出全部）。", "Name the demo user (GET /api/auth/demo/users lists them)."));
        }

        if (DemoUsers.Find(BuiltInTemplates.Catalog, body.User) is not { } user)
        {
            return ApiProblems.Invalid(new ApiError("user", "demoUser.unknown", "没有该编号的演示用户（GET /api/auth/demo/users 列出全部）。", "No demo user has that id (GET /api/auth/demo/users lists them)."));
        }

        var expires = time.GetUtcNow().UtcDateTime + options.TokenLifetime;
        var token = new TokenMinter(options, time).Mint(user);
        return Results.Ok(new DemoSignInResponse(token, "Bearer", expires, View(user)));
    }

    static DemoUserView View(DemoUser user) =>
        new(user.Id, user.Name, ApiClaims.RoleValue(user.Role), user.Kind, user.Department, user.Supervisor, user.Assist);
}
