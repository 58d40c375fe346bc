using Workflows.Templates;

namespace Workflows.Tests.Templates;

public class TemplateVersionTests
{
    static readonly DateTime Now = new(2026, 11, 25, 8, 0, 0, DateTimeKind.Utc);
    static readonly BundleTemplate Newborn = BuiltInTemplates.Get("newborn");
    static readonly ServiceCatalog Catalog = BuiltInTemplates.Catalog;

    static TemplateVersion Draft() => TemplateVersion.NewDraft(Newborn, 2, Now, "admin:a");

    [Fact]
    public void Publish_ValidDraft_IsInForceFromItsStart()
    {
        var published = Draft().Publish(Now, Now.AddDays(1), Now.AddDays(30), Catalog);
        published.Status.ShouldBe(TemplateStatus.Published);
        published.InForceAt(Now).ShouldBeFalse();
        published.InForceAt(Now.AddDays(2)).ShouldBeTrue();
        published.InForceAt(Now.AddDays(30)).ShouldBeFalse();
    }

    [Fact]
    public void Publish_StartInThePast_StartsNow()
        => Draft().Publish(Now, Now.AddDays(-5), null, Catalog).ValidFrom.ShouldBe(Now);

    [Fact]
    public void Publish_InvalidDraft_ThrowsWithEveryProblem()
    {
        var broken = Draft().Edit(Newborn with { CommittedDays = 0, Items = [.. Newborn.Items.Select(i => i with { Department = "nowhere" })] });
        var ex = Should.Throw<TemplateInvalidException>(() => broken.Publish(Now, Now, null, Catalog));
        ex.Problems.ShouldContain(p => p.Code == "template.committedDays");
        ex.Problems.Count(p => p.Code == "item.department.unknown").ShouldBe(Newborn.Items.Count);
    }

    [Fact]
    public void Publish_EndBeforeStart_IsRefused()
        => Should.Throw<TemplateLifecycleException>(() => Draft().Publish(Now, Now.AddDays(2), Now.AddDays(1), Catalog));

    [Fact]
    public void Edit_Published_IsRefused()
        => Should.Throw<TemplateLifecycleException>(() => Draft().Publish(Now, Now, null, Catalog).Edit(Newborn))
            .Message.ShouldContain("only a draft can be edited");

    [Fact]
    public void Edit_DifferentKey_IsRefused()
        => Should.Throw<TemplateLifecycleException>(() => Draft().Edit(Newborn with { Key = "other" }));

    [Fact]
    public void Publish_Retired_IsRefused()
    {
        var retired = Draft().Publish(Now, Now, null, Catalog).Retire(Now.AddDays(1));
        retired.InForceAt(Now.AddDays(2)).ShouldBeFalse();
        Should.Throw<TemplateLifecycleException>(() => retired.Publish(Now, Now, null, Catalog));
    }

    [Fact]
    public void Retire_Draft_IsRefused()
        => Should.Throw<TemplateLifecycleException>(() => Draft().Retire(Now));

    [Fact]
    public void Publish_Twice_IsRefused()
        => Should.Throw<TemplateLifecycleException>(() => Draft().Publish(Now, Now, null, Catalog).Publish(Now, Now, null, Catalog));
}
