using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Figures;
using Workflows.Orchestration;
using Workflows.Ratings;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Figures;

/// <summary>
/// Figures from applications written straight through <see cref="ApplicationStore.SaveAsync"/> on Azurite, each
/// figure checked against numbers worked out by hand below. Working days are counted on the CN calendar (the one due
/// times use), and no holiday or make-up day falls in the weeks used: 2026-01-05, 2026-02-02, 2026-03-09 are Mondays.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class FiguresTests(StorageFixture storage) : IDisposable
{
    const double Tolerance = 1e-9;
    readonly StorageOperationCounter counter = new();
    RatingStore ratings = null!;

    static readonly Applicant Wang = new("citizen-fig", ApplicantKind.Citizen, "王芳");

    // newborn: bundle 10 working days; items birth-certificate 1, vaccination-certificate 1, household-registration 3,
    // medical-insurance 1, social-security-card 5. house-transfer: bundle 6; transfer-tax 1, property 3, water/power/gas 2.
    //
    // N1 newborn, Mon 01-05 09:00 -> Wed 01-07 09:00, Completed: elapsed 2, due 01-19 09:00, on time; 5 included
    //    (11 committed days), 3 by rules; materials 5, uploaded 2.
    // N2 newborn, Fri 01-09 10:00 -> Mon 01-26 10:00, PartiallyCompleted: elapsed 11 (10 to Fri 01-23 10:00, +1 over the
    //    weekend), due Fri 01-23 10:00, late; medical-insurance not included, 4 included (10 days), 1 by rules;
    //    materials 3, uploaded 2 (one uploaded, one supplied later).
    // N3 newborn, Mon 02-02 -> Tue 02-03, Withdrawn: not decided (no timing); 5 included, 0 by rules; materials 5, uploaded 1.
    // N4 newborn, April: outside the period. N5 newborn, January, still in progress: no fact.
    // H1 house-transfer, Tue 03-03 09:00 -> Thu 03-05 15:00, Completed: elapsed 2.25, due 03-11 09:00, on time; 5 included
    //    (10 days), 1 by rules; materials 4, uploaded 1.
    // H2 house-transfer, Mon 03-09 09:00 -> Mon 03-23 09:00, Rejected: elapsed 10, due 03-17 09:00, late; 5 included
    //    (10 days), 1 by rules; materials 2, uploaded 2.
    //
    // 2026-01..2026-03, newborn: 3 applications, 1 completed (1/3); decided N1, N2: on time 1/2, elapsed (2+11)/2 = 6.5,
    //   committed (11+10)/2 = 10.5, compression 1 - 13/21; materials 13, uploaded 5, saved 1 - 5/13; instant 4/14.
    // house-transfer: 2 applications, 1 completed (1/2); on time 1/2; elapsed (2.25+10)/2 = 6.125; committed 10;
    //   compression 1 - 12.25/20; materials 6, uploaded 3, saved 1/2; instant 2/10.
    // overall: 5, 2 completed (0.4); on time 2/4; elapsed 25.25/4 = 6.3125; committed 41/4 = 10.25; compression 1 - 25.25/41;
    //   materials 19, uploaded 8, saved 1 - 8/19; instant 6/24 = 0.25.
    [Fact]
    public async Task ComputeAsync_HandComputedApplications_MatchEveryFigure()
    {
        var (store, figures) = await StoresAsync();
        foreach (var record in HandComputedSet())
        {
            await store.SaveAsync(record);
        }

        // Ratings given in the period: 5 and 1 (answered) on newborn, 2 (not answered) on house-transfer; one in April
        // outside it. Average (5 + 1 + 2) / 3; bad ratings (2 or less) 2, answered 1.
        await RateAsync("N1", "newborn", 5, new DateTime(2026, 1, 8, 9, 0, 0, DateTimeKind.Utc), answered: false);
        await RateAsync("N2", "newborn", 1, new DateTime(2026, 1, 27, 9, 0, 0, DateTimeKind.Utc), answered: true);
        await RateAsync("H1", "house-transfer", 2, new DateTime(2026, 3, 6, 9, 0, 0, DateTimeKind.Utc), answered: false);
        await RateAsync("N4", "newborn", 1, new DateTime(2026, 4, 20, 9, 0, 0, DateTimeKind.Utc), answered: false);

        var report = await figures.ComputeAsync(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1));

        report.Templates.Select(t => t.TemplateKey).ShouldBe(["house-transfer", "newborn"]);
        Check(report.Templates.Single(t => t.TemplateKey == "newborn"), 3, 1, 1.0 / 3, 0.5, 6.5, 10.5, 1 - (13.0 / 21), 13, 5, 1 - (5.0 / 13), 4.0 / 14);
        Check(report.Templates.Single(t => t.TemplateKey == "house-transfer"), 2, 1, 0.5, 0.5, 6.125, 10, 1 - (12.25 / 20), 6, 3, 0.5, 0.2);
        Check(report.Overall, 5, 2, 0.4, 0.5, 6.3125, 10.25, 1 - (25.25 / 41), 19, 8, 1 - (8.0 / 19), 0.25);
        report.Overall.AverageRating.ShouldBe(2.67);
        report.Overall.BadRatingsFollowedUpRate.ShouldBe(0.5);
        report.Templates.Single(t => t.TemplateKey == "newborn").AverageRating.ShouldBe(3.0);
        report.Templates.Single(t => t.TemplateKey == "newborn").BadRatingsFollowedUpRate.ShouldBe(1.0);

        var newborn = await figures.ComputeAsync("newborn", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1));
        Check(newborn.Overall, 3, 1, 1.0 / 3, 0.5, 6.5, 10.5, 1 - (13.0 / 21), 13, 5, 1 - (5.0 / 13), 4.0 / 14);
    }

    [Fact]
    public async Task ComputeAsync_Period_GivesEveryMonthsFiguresInTheSameCall()
    {
        var (store, figures) = await StoresAsync();
        foreach (var record in HandComputedSet())
        {
            await store.SaveAsync(record);
        }

        await RateAsync("N1", "newborn", 5, new DateTime(2026, 1, 8, 9, 0, 0, DateTimeKind.Utc), answered: false);
        await RateAsync("N2", "newborn", 1, new DateTime(2026, 1, 27, 9, 0, 0, DateTimeKind.Utc), answered: true);
        await RateAsync("H1", "house-transfer", 2, new DateTime(2026, 3, 6, 9, 0, 0, DateTimeKind.Utc), answered: false);

        // Asked twice: the second read comes from the months' cached sums and must give the same series.
        foreach (var round in new[] { "computed", "cached" })
        {
            // N1, N2 in January (N5 still runs), N3 in February, H1, H2 in March, N4 in April, none in May.
            var report = await figures.ComputeAsync(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 5, 1));
            var months = report.Months.ShouldNotBeNull();
            months.Select(m => m.Month).ShouldBe(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"], round);
            months.Select(m => m.Figures.Applications).ShouldBe([2, 1, 2, 1, 0], round);
            months.Sum(m => m.Figures.Applications).ShouldBe(report.Overall.Applications, round);
            months.Sum(m => m.Figures.Completed).ShouldBe(report.Overall.Completed, round);
            months[0].Figures.AverageRating.ShouldBe(3.0, round);
            months[2].Figures.AverageRating.ShouldBe(2.0, round);
            months[4].Figures.CompletionRate.ShouldBeNull("a month without applications is in the series, with no rates");
        }

        var newborn = await figures.ComputeAsync("newborn", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1));
        newborn.Months.ShouldNotBeNull().Sum(m => m.Figures.Applications).ShouldBe(3);
        newborn.Months.ShouldAllBe(m => m.Figures.TemplateKey == "newborn");
    }

    [Fact]
    public async Task ComputeAsync_ApplicationEndsAfterMonthWasCached_CountsIt()
    {
        var (store, figures) = await StoresAsync();
        await store.SaveAsync(HandComputedSet()[0]);
        var january = new DateOnly(2026, 1, 1);
        (await figures.ComputeAsync("newborn", january, january)).Overall.Applications.ShouldBe(1);
        // Read again from the month's cached sums.
        (await figures.ComputeAsync("newborn", january, january)).Overall.Applications.ShouldBe(1);

        // A January application ending in May: its fact changes January's stamp, so the cached sums are not used.
        await store.SaveAsync(Newborn("nb-late", new DateTime(2026, 1, 20, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 5, 4, 9, 0, 0, DateTimeKind.Utc), ApplicationStatus.Completed));

        var after = await figures.ComputeAsync("newborn", january, january);
        after.Overall.Applications.ShouldBe(2);
        after.Overall.Completed.ShouldBe(2);
    }

    [Fact]
    public async Task ComputeAsync_AcrossSpringFestival_CountsWorkingDaysOnTheRegionsCalendarAndOnTimeByThePromisedDueTime()
    {
        // Fri 02-13 17:00 CST to Tue 02-24 17:00 CST: 7 hours of the 13th, the make-up Saturday 14th, nothing of the
        // holiday 15th-23rd, 17 hours of the 24th: 2 working days (weekends only would say 7). Due on the 24th at
        // 20:00 CST as the bundle promised it: on time.
        var (store, figures) = await StoresAsync();
        var submitted = new DateTime(2026, 2, 13, 9, 0, 0, DateTimeKind.Utc);
        await store.SaveAsync(Newborn("nb-festival", submitted, new DateTime(2026, 2, 24, 9, 0, 0, DateTimeKind.Utc), ApplicationStatus.Completed) with
        {
            DueAt = new DateTime(2026, 2, 24, 12, 0, 0, DateTimeKind.Utc),
        });

        var february = (await figures.ComputeAsync("newborn", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1))).Overall;

        february.AverageElapsedWorkingDays!.Value.ShouldBe(2, Tolerance);
        february.OnTimeRate.ShouldBe(1);
    }

    static void Check(FigureSet set, int applications, int completed, double completion, double onTime, double elapsed, double committed, double compression,
        int required, int uploaded, double saved, double instant)
    {
        set.Applications.ShouldBe(applications);
        set.Completed.ShouldBe(completed);
        set.CompletionRate!.Value.ShouldBe(completion, Tolerance);
        set.OnTimeRate!.Value.ShouldBe(onTime, Tolerance);
        set.AverageElapsedWorkingDays!.Value.ShouldBe(elapsed, Tolerance);
        set.AverageCommittedItemDays!.Value.ShouldBe(committed, Tolerance);
        set.TimeCompression!.Value.ShouldBe(compression, Tolerance);
        set.MaterialsRequired.ShouldBe(required);
        set.MaterialsUploaded.ShouldBe(uploaded);
        set.MaterialsSavedRate!.Value.ShouldBe(saved, Tolerance);
        set.InstantShare!.Value.ShouldBe(instant, Tolerance);
    }

    static List<ApplicationRecord> HandComputedSet()
    {
        static DateTime At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);
        var n1 = Newborn("nb-1", At(1, 5, 9), At(1, 7, 9), ApplicationStatus.Completed) with
        {
            Materials = [M("parentsIdCards", MaterialStatus.FromLicence), M("birthCertificate", MaterialStatus.ProducedByItem), M("marriageCertificate", MaterialStatus.FromLicence),
                M("householdRegister", MaterialStatus.Uploaded), M("babyPhoto", MaterialStatus.Uploaded)],
        };
        var n2 = Newborn("nb-2", At(1, 9, 10), At(1, 26, 10), ApplicationStatus.PartiallyCompleted) with
        {
            Items =
            [
                I("birth-certificate", ItemState.Approved, "officer:hospital-1"), I("vaccination-certificate", ItemState.Approved, "rule:vaccination/ok"),
                I("household-registration", ItemState.Rejected, "officer:police-1"), I("medical-insurance", ItemState.NotIncluded, "engine"),
                I("social-security-card", ItemState.Cancelled, "engine"),
            ],
            Materials = [M("householdRegister", MaterialStatus.Uploaded), M("babyPhoto", MaterialStatus.Supplied), M("parentsIdCards", MaterialStatus.FromLicence)],
        };
        var n3 = Newborn("nb-3", At(2, 2, 9), At(2, 3, 9), ApplicationStatus.Withdrawn) with
        {
            Items =
            [
                I("birth-certificate", ItemState.Approved, "officer:hospital-1"), I("vaccination-certificate", ItemState.Cancelled, "applicant:citizen-fig"),
                I("household-registration", ItemState.Cancelled, "applicant:citizen-fig"), I("medical-insurance", ItemState.Cancelled, "applicant:citizen-fig"),
                I("social-security-card", ItemState.Cancelled, "applicant:citizen-fig"),
            ],
            Materials = [M("parentsIdCards", MaterialStatus.FromLicence), M("birthCertificate", MaterialStatus.ProducedByItem), M("marriageCertificate", MaterialStatus.Deferred),
                M("householdRegister", MaterialStatus.FromLicence), M("babyPhoto", MaterialStatus.Uploaded)],
        };
        var n4 = Newborn("nb-4", At(4, 6, 9), At(4, 7, 9), ApplicationStatus.Completed);
        var n5 = Newborn("nb-5", At(1, 12, 9), At(1, 12, 9), ApplicationStatus.InProgress);
        var h1 = House("ht-1", At(3, 3, 9), At(3, 5, 15), ApplicationStatus.Completed, "rule:tax/paid", ItemState.Approved) with
        {
            Materials = [M("sellerIdCard", MaterialStatus.FromLicence), M("buyerIdCard", MaterialStatus.FromLicence), M("saleContract", MaterialStatus.Uploaded),
                M("housingStatusCommitment", MaterialStatus.Committed)],
        };
        var h2 = House("ht-2", At(3, 9, 9), At(3, 23, 9), ApplicationStatus.Rejected, "rule:tax/unpaid", ItemState.Cancelled) with
        {
            Materials = [M("saleContract", MaterialStatus.Uploaded), M("maritalStatus", MaterialStatus.Uploaded)],
        };
        return [n1, n2, n3, n4, n5, h1, h2];
    }

    // Every item included: two by rules besides the one given, the rest by officers.
    static ApplicationRecord Newborn(string id, DateTime submitted, DateTime ended, ApplicationStatus status) => new(
        id, Wang, "newborn", 1, "新生儿出生一件事", status, submitted, ended,
        [
            I("birth-certificate", ItemState.Approved, "officer:hospital-1"), I("vaccination-certificate", ItemState.Approved, "rule:vaccination/ok"),
            I("household-registration", ItemState.Approved, "officer:police-1"), I("medical-insurance", ItemState.Approved, "rule:insured/local"),
            I("social-security-card", ItemState.Approved, "rule:card-without-bank"),
        ],
        [M("babyPhoto", MaterialStatus.Uploaded)]);

    static ApplicationRecord House(string id, DateTime submitted, DateTime ended, ApplicationStatus status, string taxDecidedBy, ItemState rest) => new(
        id, Wang, "house-transfer", 1, "二手房转移登记一件事", status, submitted, ended,
        [
            I("transfer-tax", status == ApplicationStatus.Rejected ? ItemState.Rejected : ItemState.Approved, taxDecidedBy),
            I("property-transfer-registration", rest, rest == ItemState.Approved ? "officer:land-1" : "engine"),
            I("water-transfer", rest, rest == ItemState.Approved ? "system:water-utility-system" : "engine"),
            I("power-transfer", rest, rest == ItemState.Approved ? "system:power-utility-system" : "engine"),
            I("gas-transfer", rest, rest == ItemState.Approved ? "system:gas-utility-system" : "engine"),
        ],
        []);

    static ItemView I(string key, ItemState state, string decidedBy) => new(key, key, "dept", state, null, decidedBy);

    static MaterialEntry M(string key, MaterialStatus status) => new(key, key, status, ["x"]);

    async Task<(ApplicationStore Store, FiguresStore Figures)> StoresAsync()
    {
        var options = Options.Create(new StorageOptions { ConnectionString = storage.ConnectionString, TablePrefix = storage.NewHub("figures").TablePrefix });
        var tables = new StorageTables(new StorageClients(options, counter));
        var time = new FixedTime(new DateTimeOffset(2026, 5, 10, 12, 0, 0, TimeSpan.Zero));
        var templates = new TemplateStore(tables, new AuditTrail(tables), time);
        await templates.CreateDraftAsync(BuiltInTemplates.Get("newborn"), "test");
        await templates.CreateDraftAsync(BuiltInTemplates.Get("house-transfer"), "test");
        ratings = new RatingStore(tables);
        var figures = new FiguresStore(tables, new StoredRatingFigures(ratings, Options.Create(new RatingOptions())), time);
        // The calendar store is empty: the clock falls back to the built-in CN calendar, as a host before its seeder runs.
        var clocks = new SlaClockSource(new CalendarStore(tables, new AuditTrail(tables), time), Options.Create(new SlaOptions()));
        return (new ApplicationStore(tables, templates, figures, clocks), figures);
    }

    public void Dispose() => counter.Dispose();

    async Task RateAsync(string applicationId, string template, int score, DateTime at, bool answered)
    {
        var rating = new Rating(applicationId, "bundle", Wang.Id, template, "hospital", score, [], null, at,
            Response: answered ? "已整改 (fixed)" : null, RespondedBy: answered ? "officer-hospital" : null, RespondedAt: answered ? at.AddDays(1) : null);
        await ratings.TryAddAsync(rating);
    }

    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
