using Workflows.Ratings;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>
/// What people read for the codes a view mentions, in the request's language (<see cref="ApiLanguage"/>), from the
/// catalog and the template version the view is about. Keys are <c>KIND:CODE</c>: <c>bundle</c>,
/// <c>department:police</c>, <c>licence:id-card</c>, <c>system:bank-account-system</c>, <c>item:birth-certificate</c>,
/// <c>output:ITEM.OUTPUT</c>, <c>material:babyPhoto</c>, <c>field:babyName</c>, <c>option:FIELD.VALUE</c> and
/// <c>tag:fast</c> (rating tags). A code without an English name reads in Chinese; a choice option without a label
/// reads as its value.
/// </summary>
public static class Labels
{
    /// <summary>The labels of everything one template version mentions.</summary>
    /// <param name="template">The template version.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="ratingTags">Whether to add the rating tags (views where the applicant may rate).</param>
    /// <returns>The labels by key.</returns>
    public static IReadOnlyDictionary<string, string> For(BundleTemplate template, ServiceCatalog catalog, bool ratingTags = false)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(catalog);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["bundle"] = ApiLanguage.Pick(template.Name, template.NameEn) };
        foreach (var item in template.Items)
        {
            labels[$"item:{item.Key}"] = ApiLanguage.Pick(item.Name, item.NameEn);
            AddDepartment(labels, catalog, item.Department);
            if (item.Decision is ExternalDecision external && catalog.FindSystem(external.System) is { } system)
            {
                labels[$"system:{system.Code}"] = ApiLanguage.Pick(system.Name, system.NameEn);
            }

            foreach (var output in item.Outputs)
            {
                labels[$"output:{item.Key}.{output.Key}"] = ApiLanguage.Pick(output.Name, output.NameEn);
                AddLicence(labels, catalog, output.LicenceType);
            }
        }

        foreach (var material in template.Materials)
        {
            labels[$"material:{material.Key}"] = ApiLanguage.Pick(material.Name, material.NameEn);
            AddLicence(labels, catalog, material.FromLicence);
        }

        foreach (var field in template.Fields)
        {
            labels[$"field:{field.Key}"] = ApiLanguage.Pick(field.Label, field.LabelEn);
            foreach (var option in field.Options ?? [])
            {
                labels[$"option:{field.Key}.{option}"] = field.OptionLabels?.GetValueOrDefault(option) is { } text ? ApiLanguage.Pick(text) : option;
            }
        }

        if (ratingTags)
        {
            foreach (var tag in RatingTags.All)
            {
                labels[$"tag:{tag}"] = ApiLanguage.Pick(RatingTags.Labels[tag]);
            }
        }

        return labels;
    }

    /// <summary>A department's name in the request's language, or its code when the catalog does not know it.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="code">The department's code.</param>
    /// <returns>The name.</returns>
    public static string Department(ServiceCatalog catalog, string code)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.FindDepartment(code) is { } d ? ApiLanguage.Pick(d.Name, d.NameEn) : code;
    }

    static void AddDepartment(SortedDictionary<string, string> labels, ServiceCatalog catalog, string code) =>
        labels[$"department:{code}"] = Department(catalog, code);

    static void AddLicence(SortedDictionary<string, string> labels, ServiceCatalog catalog, string? code)
    {
        if (code is not null && catalog.FindLicenceType(code) is { } type)
        {
            labels[$"licence:{code}"] = ApiLanguage.Pick(type.Name, type.NameEn);
        }
    }
}
