using Workflows.Api;
using Workflows.Assisted;
using Workflows.Templates;

namespace Workflows.Auth;

/// <summary>A user the local server knows for demos and tests.</summary>
/// <param name="Id">The user's id (the token subject).</param>
/// <param name="Name">The display name.</param>
/// <param name="Role">The role.</param>
/// <param name="Kind">For an applicant: citizen or company.</param>
/// <param name="Department">For an officer: the department.</param>
/// <param name="Licences">Electronic licences the user held before (seeded so bundles can reuse them).</param>
/// <param name="Assist">For an officer: may file on behalf of citizens (帮办代办).</param>
/// <param name="Supervisor">For an officer: a supervisor of the department, who is told of its escalations.</param>
public sealed record DemoUser(
    string Id, string Name, CallerRole Role, ApplicantKind? Kind = null, string? Department = null, IReadOnlyList<string>? Licences = null, bool Assist = false,
    bool Supervisor = false);

/// <summary>
/// The demo users: four citizens (one the company's legal representative), a company, an officer and a supervisor per department of the built-in catalog, the
/// service hall's helper and an administrator. Officers are <c>officer-DEPARTMENT</c>, supervisors <c>supervisor-DEPARTMENT</c>.
/// </summary>
public static class DemoUsers
{
    /// <summary>Every demo user.</summary>
    /// <param name="catalog">The catalog whose departments get an officer each.</param>
    /// <returns>The users.</returns>
    public static IReadOnlyList<DemoUser> All(ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var users = new List<DemoUser>
        {
            new("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen, Licences: ["id-card", "household-register", "marriage-certificate"]),
            // A home owner: the seller of the demo house transfer (the title comes only from the seller's own licences).
            new("citizen-li", "李强", CallerRole.Applicant, ApplicantKind.Citizen, Licences: ["id-card", "household-register", "property-certificate"]),
            // A worker near retirement: the social security card and the employee's medical enrolment the retirement bundle reads and supersedes.
            new("citizen-zhao", "赵建国", CallerRole.Applicant, ApplicantKind.Citizen, Licences: ["id-card", "household-register", "social-security-card", "medical-insurance-registration"]),
            // The demo company's legal representative: its opening and deregistration take his ID card from his own licences.
            new("citizen-chen", "陈明", CallerRole.Applicant, ApplicantKind.Citizen, Licences: ["id-card"]),
            new("company-hengtai", "恒泰贸易有限公司", CallerRole.Applicant, ApplicantKind.Company, Licences: []),
            new("admin", "系统管理员", CallerRole.Administrator),
        };
        users.AddRange(catalog.Departments.Select(d => new DemoUser($"officer-{d.Code}", $"{d.Name}审批员", CallerRole.Officer, Department: d.Code)));
        // Escalations go to a department's supervisors (the token's supervisor=true), whom its ordinary officers are not.
        users.AddRange(catalog.Departments.Select(d => new DemoUser($"supervisor-{d.Code}", $"{d.Name}督办负责人", CallerRole.Officer, Department: d.Code, Supervisor: true)));
        // The service hall's helper files on behalf of citizens (帮办代办); the hall decides no item, so its task list stays empty.
        users.Add(new DemoUser("helper-hall", "政务服务中心帮办员", CallerRole.Officer, Department: AssistedFiling.HallDepartment, Assist: true));
        return users;
    }

    /// <summary>One demo user by id.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="id">The user's id.</param>
    /// <returns>The user, or null.</returns>
    public static DemoUser? Find(ServiceCatalog catalog, string id) => All(catalog).FirstOrDefault(u => u.Id == id);
}
