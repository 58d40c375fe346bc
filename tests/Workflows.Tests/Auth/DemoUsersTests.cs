using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Templates;

namespace Workflows.Tests.Auth;

/// <summary>The demo users' tokens say what the README says they are: a supervisor per department, and no ordinary officer is one.</summary>
public sealed class DemoUsersTests
{
    static readonly AuthOptions Options = new() { SigningKey = new string('k', 40) };

    static IReadOnlyList<DemoUser> Users => DemoUsers.All(BuiltInTemplates.Catalog);

    [Fact]
    public async Task All_EveryDepartment_HasOneSupervisorWhoseTokenReadsAsSupervisorOfIt()
    {
        foreach (var department in BuiltInTemplates.Catalog.Departments)
        {
            var supervisor = Users.Where(u => u.Supervisor && u.Department == department.Code).ShouldHaveSingleItem(department.Code);
            supervisor.Id.ShouldBe($"supervisor-{department.Code}");

            var caller = await CallerOfAsync(supervisor);

            caller.Role.ShouldBe(CallerRole.Officer);
            caller.Department.ShouldBe(department.Code);
            caller.Supervisor.ShouldBeTrue(department.Code);
            caller.CanAssist.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task All_OrdinaryOfficersAndTheHelper_ReadAsNoSupervisor()
    {
        var officers = Users.Where(u => u.Role == CallerRole.Officer && !u.Supervisor).ToList();
        officers.Count.ShouldBe(BuiltInTemplates.Catalog.Departments.Count + 1, "an officer per department and the hall's helper");

        foreach (var officer in officers)
        {
            (await CallerOfAsync(officer)).Supervisor.ShouldBeFalse(officer.Id);
        }

        Users.Select(u => u.Id).ShouldBeUnique();
    }

    static async Task<Caller> CallerOfAsync(DemoUser user)
    {
        var token = new TokenMinter(Options, TimeProvider.System).Mint(user);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Audience,
            IssuerSigningKey = Options.Key(),
        });
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        return Caller.From(new ClaimsPrincipal(result.ClaimsIdentity)).ShouldNotBeNull(user.Id);
    }
}
