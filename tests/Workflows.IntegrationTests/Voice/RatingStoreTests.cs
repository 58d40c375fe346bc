using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Ratings;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Voice;

/// <summary>Ratings on Azurite: once per target, the per-department month index, and a bad rating's follow-up answered once.</summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class RatingStoreTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly string[] Slow = ["slow"];
    ServiceProvider services = null!;

    RatingStore Store => services.GetRequiredService<RatingStore>();

    public Task InitializeAsync()
    {
        var settings = storage.NewHub("rate").ToInProcessConfiguration(runWorker: false);
        settings["Sla:DayLength"] = "00:00:10";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task TryAddAsync_SecondRatingOfSameTarget_KeepsTheFirst()
    {
        var first = Rating("app-a", "birth-certificate", "hospital", 4, new DateTime(2026, 11, 3, 8, 0, 0, DateTimeKind.Utc));

        (await Store.TryAddAsync(first)).Added.ShouldBeTrue();
        var (stored, added) = await Store.TryAddAsync(first with { Score = 1 });

        added.ShouldBeFalse();
        stored.Score.ShouldBe(4);
        (await Store.ListAsync("app-a")).Single().Score.ShouldBe(4);
    }

    [Fact]
    public async Task ListByPeriodAsync_DepartmentAcrossMonths_ReturnsOnlyThatDepartmentInThePeriod()
    {
        var oct = new DateTime(2026, 10, 31, 23, 0, 0, DateTimeKind.Utc);
        var nov = new DateTime(2026, 11, 1, 1, 0, 0, DateTimeKind.Utc);
        var dec = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        await Store.TryAddAsync(Rating("app-p1", "birth-certificate", "hospital", 5, oct));
        await Store.TryAddAsync(Rating("app-p2", "birth-certificate", "hospital", 2, nov));
        await Store.TryAddAsync(Rating("app-p2", "vaccination", "cdc", 3, nov));
        await Store.TryAddAsync(Rating("app-p3", RatingRules.BundleTarget, "hospital", 1, dec));

        var hospital = await Store.ListByPeriodAsync(oct, dec, "hospital");
        var everyone = await Store.ListByPeriodAsync(oct.AddHours(1), dec.AddDays(1));

        hospital.Select(r => (r.ApplicationId, r.Target)).ShouldBe([("app-p1", "birth-certificate"), ("app-p2", "birth-certificate")]);
        everyone.Select(r => r.Department).ShouldBe(["hospital", "cdc", "hospital"], ignoreOrder: true);
        RatingStore.IndexPartition("hospital", nov).ShouldBe("hospital|202611");
    }

    [Fact]
    public async Task RateAsync_BadRating_OpensFollowUpDueInThreeWorkingDaysAndAnswerClosesIt()
    {
        var application = Ended("app-bad");
        var ratings = services.GetRequiredService<RatingService>();
        var before = DateTime.UtcNow;

        var result = await ratings.RateAsync(application, "birth-certificate", 1, Slow, "排队太久");
        var again = await ratings.RateAsync(application, "birth-certificate", 1, Slow, "排队太久");

        result.Replayed.ShouldBeFalse();
        again.Replayed.ShouldBeTrue();
        await Should.ThrowAsync<RatingAlreadyGivenException>(() => ratings.RateAsync(application, "birth-certificate", 5, [], null));
        var task = await services.GetRequiredService<TaskStore>().GetAsync("hospital", "app-bad:birth-certificate:followup");
        task.ShouldNotBeNull();
        task.Kind.ShouldBe(TaskKind.FollowUp);
        task.Status.ShouldBe(OfficerTaskStatus.Open);
        // Three working days of ten seconds each.
        (task.DueAt - result.Rating.RatedAt).ShouldBe(TimeSpan.FromSeconds(30));
        result.Rating.RatedAt.ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-1));

        var (answered, answeredNow) = await ratings.AnswerAsync(task, "officer:officer-hospital", "已整改，加开窗口。");

        answeredNow.ShouldBeTrue();
        answered.Response.ShouldBe("已整改，加开窗口。");
        (await Store.GetAsync("app-bad", "birth-certificate"))!.Response.ShouldBe("已整改，加开窗口。");
        (await services.GetRequiredService<TaskStore>().GetAsync("hospital", task.TaskId))!.Status.ShouldBe(OfficerTaskStatus.Closed);
        await Should.ThrowAsync<FollowUpAlreadyAnsweredException>(() => ratings.AnswerAsync(task, "officer:other", "again"));
        var trail = await services.GetRequiredService<AuditTrail>().ReadAsync("app-bad");
        trail.Select(e => e.Action).ShouldBe(["rating.given", "rating.followUp.opened", "rating.followUp.answered"], ignoreOrder: true);
        var told = await services.GetRequiredService<NotificationOutbox>().ListAsync(RecipientKind.Applicant, "citizen-bad");
        told.Single().Notification.Topic.ShouldBe(RatingTopics.Answered);
    }

    [Fact]
    public async Task RateAsync_RunningItemOrGoodRating_RefusesOrOpensNothing()
    {
        var application = Ended("app-good") with { Status = ApplicationStatus.InProgress };
        var ratings = services.GetRequiredService<RatingService>();

        await Should.ThrowAsync<RatingTargetNotEndedException>(() => ratings.RateAsync(application, "vaccination", 1, [], null));
        await Should.ThrowAsync<RatingTargetNotEndedException>(() => ratings.RateAsync(application, null, 1, [], null));
        await Should.ThrowAsync<KeyNotFoundException>(() => ratings.RateAsync(application, "no-such-item", 1, [], null));
        var good = await ratings.RateAsync(application, "birth-certificate", 5, ["fast"], null);

        good.Rating.FollowUpTaskId.ShouldBeNull();
        (await services.GetRequiredService<TaskStore>().GetAsync("hospital", "app-good:birth-certificate:followup")).ShouldBeNull();
    }

    [Fact]
    public async Task AnswerAsync_ResponseStoredButTaskLeftOpen_ClosesTheTaskWithTheStoredResponseOnce()
    {
        var application = Ended("app-heal");
        var ratings = services.GetRequiredService<RatingService>();
        var taskStore = services.GetRequiredService<TaskStore>();
        await ratings.RateAsync(application, "birth-certificate", 2, Slow, null);
        var task = (await taskStore.GetAsync("hospital", "app-heal:birth-certificate:followup")).ShouldNotBeNull();
        // The process stopped after the response was stored on the rating and before the task was closed.
        var stored = (await Store.GetStoredAsync("app-heal", "birth-certificate")).ShouldNotBeNull();
        (await Store.TrySaveAnswerAsync(stored.Rating.Answer("第一次的答复", "officer:first", DateTime.UtcNow), stored.ETag)).ShouldBeTrue();

        var (answered, answeredNow) = await ratings.AnswerAsync(task, "officer:second", "第二次的答复");

        answeredNow.ShouldBeFalse();
        answered.Response.ShouldBe("第一次的答复");
        answered.RespondedBy.ShouldBe("officer:first");
        var closed = (await taskStore.GetAsync("hospital", task.TaskId)).ShouldNotBeNull();
        closed.Status.ShouldBe(OfficerTaskStatus.Closed);
        closed.Note.ShouldBe("第一次的答复");
        await Should.ThrowAsync<FollowUpAlreadyAnsweredException>(() => ratings.AnswerAsync(task, "officer:third", "第三次"));
        (await Store.GetAsync("app-heal", "birth-certificate"))!.Response.ShouldBe("第一次的答复");
        var told = await services.GetRequiredService<NotificationOutbox>().ListAsync(RecipientKind.Applicant, "citizen-heal");
        told.Single(n => n.Notification.Topic == RatingTopics.Answered).Notification.Body.ShouldBe("第一次的答复");
    }

    [Fact]
    public async Task RateAsync_RetriedAfterTheFollowUpWasOpened_WritesNoSecondTaskAuditOrNotice()
    {
        var application = Ended("app-retry");
        var ratings = services.GetRequiredService<RatingService>();

        await ratings.RateAsync(application, "birth-certificate", 1, Slow, "慢");
        await ratings.RateAsync(application, "birth-certificate", 1, Slow, "慢");
        await ratings.RateAsync(application, "birth-certificate", 1, Slow, "慢");

        (await services.GetRequiredService<TaskStore>().ListAsync("hospital")).Count(t => t.ApplicationId == "app-retry").ShouldBe(1);
        var trail = await services.GetRequiredService<AuditTrail>().ReadAsync("app-retry");
        trail.Select(e => e.Action).ShouldBe(["rating.given", "rating.followUp.opened"], ignoreOrder: true);
        (await services.GetRequiredService<NotificationOutbox>().ListAsync(RecipientKind.Department, "hospital"))
            .Count(n => n.Notification.ApplicationId == "app-retry").ShouldBe(1);
    }

    [Fact]
    public async Task RateAsync_RetryAfterStopBeforeTheDepartmentWasTold_TellsItOnce()
    {
        var application = Ended("app-untold");
        var ratings = services.GetRequiredService<RatingService>();
        var outbox = services.GetRequiredService<NotificationOutbox>();
        // The first request stored the rating and opened the task, and stopped before the department's notice.
        var at = DateTime.UtcNow;
        var rating = Rating("app-untold", "birth-certificate", "hospital", 1, at) with
        {
            ApplicantId = "citizen-untold", Tags = Slow, FollowUpTaskId = "app-untold:birth-certificate:followup", FollowUpDueAt = at.AddSeconds(30),
        };
        await Store.TryAddAsync(rating);
        await services.GetRequiredService<TaskStore>().SaveAsync(new TaskRecord("hospital", rating.FollowUpTaskId, TaskKind.FollowUp, "app-untold", "birth-certificate",
            "差评整改", "newborn", "citizen-untold", "王芳", OfficerTaskStatus.Open, at, rating.FollowUpDueAt.Value));

        var retried = await ratings.RateAsync(application, "birth-certificate", 1, Slow, null);
        await ratings.RateAsync(application, "birth-certificate", 1, Slow, null);

        retried.Replayed.ShouldBeTrue();
        var told = (await outbox.ListAsync(RecipientKind.Department, "hospital")).Where(n => n.Notification.ApplicationId == "app-untold").ToList();
        told.ShouldHaveSingleItem().Notification.Topic.ShouldBe(RatingTopics.FollowUpOpened);
    }

    [Theory]
    [InlineData(ApplicationStatus.InProgress)]
    [InlineData(ApplicationStatus.AwaitingConfirmation)]
    public async Task RateAsync_BundleNotEnded_RefusedAndNothingStored(ApplicationStatus status)
    {
        var id = $"app-open-{(int)status}";
        var application = Ended(id) with { Status = status };

        await Should.ThrowAsync<RatingTargetNotEndedException>(() => services.GetRequiredService<RatingService>().RateAsync(application, null, 1, Slow, null));

        (await Store.ListAsync(id)).ShouldBeEmpty();
    }

    static Rating Rating(string app, string target, string department, int score, DateTime at) =>
        new(app, target, "citizen-x", "newborn", department, score, [], null, at);

    static ApplicationRecord Ended(string id) => new(id, new Applicant(id.Replace("app-", "citizen-", StringComparison.Ordinal), ApplicantKind.Citizen, "王芳"),
        "newborn", 1, "新生儿出生一件事", ApplicationStatus.PartiallyCompleted, DateTime.UtcNow, DateTime.UtcNow,
        [
            new ItemView("birth-certificate", "出生医学证明", "hospital", ItemState.Approved),
            new ItemView("vaccination", "预防接种证", "cdc", ItemState.Running),
        ], []);
}
