using Workflows.Api;
using Workflows.Ratings;
using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

/// <summary>Labels for people in Chinese and English: the shipped data carries both, and the validator holds a template's English to its rules.</summary>
public sealed class TemplateLabelsTests
{
    [Fact]
    public void Catalog_EveryDepartmentLicenceTypeAndSystem_HasAnEnglishName()
    {
        var catalog = BuiltInTemplates.Catalog;
        catalog.Departments.Where(d => string.IsNullOrWhiteSpace(d.NameEn)).Select(d => d.Code).ShouldBeEmpty();
        catalog.LicenceTypes.Where(l => string.IsNullOrWhiteSpace(l.NameEn)).Select(l => l.Code).ShouldBeEmpty();
        catalog.ExternalSystems.Where(s => string.IsNullOrWhiteSpace(s.NameEn)).Select(s => s.Code).ShouldBeEmpty();
    }

    [Fact]
    public void BuiltIns_EveryNameLabelAndOption_HasBothLanguages()
    {
        var missing = new List<string>();
        foreach (var t in BuiltInTemplates.All)
        {
            Check(t.NameEn, $"{t.Key}.nameEn");
            Check(t.DescriptionEn, $"{t.Key}.descriptionEn");
            foreach (var f in t.Fields)
            {
                Check(f.LabelEn, $"{t.Key}.fields[{f.Key}].labelEn");
                foreach (var option in f.Options ?? [])
                {
                    var label = f.OptionLabels?.GetValueOrDefault(option);
                    Check(label?.Zh, $"{t.Key}.fields[{f.Key}].optionLabels[{option}].zh");
                    Check(label?.En, $"{t.Key}.fields[{f.Key}].optionLabels[{option}].en");
                }
            }

            foreach (var m in t.Materials)
            {
                Check(m.NameEn, $"{t.Key}.materials[{m.Key}].nameEn");
            }

            foreach (var i in t.Items)
            {
                Check(i.NameEn, $"{t.Key}.items[{i.Key}].nameEn");
                foreach (var o in i.Outputs)
                {
                    Check(o.NameEn, $"{t.Key}.items[{i.Key}].outputs[{o.Key}].nameEn");
                }
            }
        }

        missing.ShouldBeEmpty();

        void Check(string? text, string where)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                missing.Add(where);
            }
        }
    }

    [Fact]
    public void RatingTags_EveryTag_HasBothLanguages()
    {
        RatingTags.All.ShouldAllBe(t => RatingTags.Labels.ContainsKey(t) && RatingTags.Labels[t].Zh.Length > 0 && RatingTags.Labels[t].En.Length > 0);
        RatingTags.Labels.Keys.ShouldBe(RatingTags.All, ignoreOrder: true);
    }

    [Fact]
    public void Validate_EnglishGivenOrLeftOut_IsValid()
    {
        TemplateValidator.Validate(Newborn(), Catalog()).ShouldBeEmpty();
        var english = Newborn().WithField("hospital", f => f with { LabelEn = "Hospital", OptionLabels = Labels(("public", "公立", "Public")) })
            .WithItem(BirthCert, i => i with { NameEn = "Birth certificate" }) with { NameEn = "A newborn" };
        TemplateValidator.Validate(english, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Labels_OfABuiltIn_AreInTheRequestsLanguageWithoutMixing()
    {
        var newborn = BuiltInTemplates.Get("newborn");
        try
        {
            ApiLanguage.Set(ApiLanguage.En);
            var en = Workflows.Api.Labels.For(newborn, BuiltInTemplates.Catalog, ratingTags: true);
            en["department:hospital"].ShouldBe("Hospital (maternity unit)");
            en["option:babySex.male"].ShouldBe("Male");
            en["field:babyName"].ShouldBe("Baby's name");
            en["tag:fast"].ShouldBe("Fast");
            en["licence:id-card"].ShouldBe("Resident identity card");
            en.Values.ShouldAllBe(v => !v.Any(c => c >= '\u4e00' && c <= '\u9fff'), "English labels carry no Chinese");

            ApiLanguage.Set(ApiLanguage.Zh);
            var zh = Workflows.Api.Labels.For(newborn, BuiltInTemplates.Catalog, ratingTags: true);
            zh["department:hospital"].ShouldBe("医院（助产机构）");
            zh["option:babySex.male"].ShouldBe("男");
            zh.Keys.ShouldBe(en.Keys);
            zh.Values.ShouldAllBe(v => !v.Any(c => c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') || v == "ID", "Chinese labels carry no English");
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }

    static Dictionary<string, LocalText> Labels(params (string Option, string Zh, string En)[] labels) =>
        labels.ToDictionary(l => l.Option, l => new LocalText(l.Zh, l.En), StringComparer.Ordinal);
}
