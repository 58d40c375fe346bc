namespace Workflows.Templates;

/// <summary>
/// What templates may refer to beyond themselves: departments (whose officers decide items), electronic licence
/// types (held by applicants, issued by items), and outside department systems that decide items and call back.
/// </summary>
/// <param name="Departments">The departments.</param>
/// <param name="LicenceTypes">The electronic licence types.</param>
/// <param name="ExternalSystems">The outside systems.</param>
public sealed record ServiceCatalog(
    IReadOnlyList<Department> Departments,
    IReadOnlyList<LicenceType> LicenceTypes,
    IReadOnlyList<ExternalSystem> ExternalSystems)
{
    /// <summary>Finds a department by code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The department, or null.</returns>
    public Department? FindDepartment(string code) => Departments.FirstOrDefault(d => d.Code == code);

    /// <summary>Finds a licence type by code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The licence type, or null.</returns>
    public LicenceType? FindLicenceType(string code) => LicenceTypes.FirstOrDefault(l => l.Code == code);

    /// <summary>Finds an outside system by code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The system, or null.</returns>
    public ExternalSystem? FindSystem(string code) => ExternalSystems.FirstOrDefault(s => s.Code == code);
}

/// <summary>A department whose officers decide items.</summary>
/// <param name="Code">Identifier (e.g. <c>police</c>).</param>
/// <param name="Name">Display name (e.g. 公安局).</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
public sealed record Department(string Code, string Name, string? NameEn = null);

/// <summary>A type of electronic licence or certificate.</summary>
/// <param name="Code">Identifier (e.g. <c>birth-medical-certificate</c>).</param>
/// <param name="Name">Display name.</param>
/// <param name="Holder">Whether citizens or companies hold it.</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
public sealed record LicenceType(string Code, string Name, ApplicantKind Holder, string? NameEn = null);

/// <summary>An outside department system that decides items and calls back with a signed result.</summary>
/// <param name="Code">Identifier.</param>
/// <param name="Name">Display name.</param>
/// <param name="Department">The department that runs it.</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
public sealed record ExternalSystem(string Code, string Name, string Department, string? NameEn = null);
