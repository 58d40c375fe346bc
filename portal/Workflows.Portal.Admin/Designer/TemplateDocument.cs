using System.Collections;
using Workflows.ApiClient;

namespace Workflows.Portal.Admin.Designer;

/// <summary>
/// Readies a template read through the generated client to be sent back. The client's polymorphic converter reads a
/// part's kind (<c>by</c>, <c>op</c>) and then reads the part again into its subtype, whose extension data keeps the kind
/// a second time; written back, the part names its kind twice and the API refuses the document. The API allows no
/// member it does not know, so every part's extension data is emptied.
/// </summary>
public static class TemplateDocument
{
    /// <summary>Empties the extension data of the template and of every part inside it.</summary>
    /// <param name="template">The template, changed in place.</param>
    /// <returns>The same template.</returns>
    public static BundleTemplate Clean(BundleTemplate template)
    {
        Visit(template);
        return template;
    }

    static void Visit(object? value)
    {
        switch (value)
        {
            case null or string or Enum:
                return;
            case IDictionary dictionary:
                foreach (var v in dictionary.Values)
                {
                    Visit(v);
                }

                return;
            case IEnumerable list:
                foreach (var v in list)
                {
                    Visit(v);
                }

                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.Namespace != typeof(BundleTemplate).Namespace)
        {
            return;
        }

        foreach (var property in type.GetProperties())
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (property.Name == "AdditionalProperties" && property.GetValue(value) is IDictionary<string, object> extra)
            {
                extra.Clear();
            }
            else if (!property.PropertyType.IsPrimitive && !property.PropertyType.IsEnum)
            {
                Visit(property.GetValue(value));
            }
        }
    }
}
