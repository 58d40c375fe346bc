using System.Net;
using System.Text;
using System.Text.Json;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Systems;

namespace Workflows.EndToEndTests;

/// <summary>
/// A company over HTTP: deregistration with its licences closed by rules in parallel and the bank's signed
/// callback, which cannot be replayed; opening, whose bank calls back before its item started and is told to retry.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class CompanyHttpTests(ServerFixture server)
{
    const string CompanyName = "杭州云栖数据科技有限公司";

    static readonly string[] HeldLicences =
    [
        "social-insurance-registration", "housing-fund-registration", "official-seal-record", "customs-registration", "food-business-licence",
        "liquor-licence", "pollutant-discharge-permit", "road-transport-licence", "fire-safety-certificate", "public-health-licence", "drainage-permit",
        "bank-account-licence",
    ];

    [Fact]
    public async Task Deregistration_RulesCloseEveryLicenceAndTheSignedBankCallbackFinishesIt_AReplayIsRefused()
    {
        var company = $"co-{Guid.NewGuid():N}"[..20];
        foreach (var type in HeldLicences.Append("business-licence"))
        {
            await server.GiveLicenceAsync(company, type);
        }

        // The legal representative's ID card is their own licence; the submission names them.
        var (representativeId, representative) = await LegalRepresentativeAsync();

        using var client = server.Company(company, CompanyName);
        var resolution = await Walkthrough.UploadAsync(client, "company-deregistration", "dissolutionResolution");
        var submitted = await Walkthrough.SubmitAsync(client, new
        {
            templateKey = "company-deregistration",
            answers = Answers(),
            materials = new object[]
            {
                new { key = "dissolutionResolution", kind = "upload", reference = resolution },
                new { key = "liquidationDocuments", kind = "commitment" },
            },
            parties = representative,
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        // Every rule closure decides at once, in parallel; the bank's closure waits for the bank's system, and the
        // business licence for the bank's closure (it is deregistered last, as the law requires).
        var midway = await Walkthrough.WaitForApplicationAsync(client, id,
            a => a.Items.Count(i => i.State == ItemState.Approved) >= 12 && a.Items.Single(i => i.Key == "bank-account-closure").State == ItemState.Running,
            "the rule items approved");
        midway.Items.Where(i => i.State == ItemState.Approved).ShouldAllBe(i => i.DecidedBy!.StartsWith("rule:", StringComparison.Ordinal));
        midway.Items.Single(i => i.Key == "business-licence-deregistration").State.ShouldBe(ItemState.Waiting);

        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            applicationId = id,
            itemKey = "bank-account-closure",
            approved = true,
            reason = "Basic deposit account closed.",
            outputs = new Dictionary<string, string> { ["cancellationNumber"] = "JXH-BANK-1" },
        }));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = SystemApi.Sign(ServerFixture.BankSecret, timestamp, body);
        using var anonymous = server.Anonymous();
        using (var first = await anonymous.SendAsync(Callback(body, timestamp, signature)))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        }

        // The same signed request captured and sent again is refused: the bank's result counts once.
        using (var replay = await anonymous.SendAsync(Callback(body, timestamp, signature)))
        {
            await replay.ShouldBeProblemAsync(409, code: "callback.replayed");
        }

        var done = await Walkthrough.WaitForApplicationAsync(client, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        var bank = done.Items.Single(i => i.Key == "bank-account-closure");
        bank.DecidedBy.ShouldBe("system:bank-account-system");
        bank.Outputs!["cancellationNumber"].ShouldBe("JXH-BANK-1");
        done.Items.Count(i => i.State == ItemState.Approved && i.DecidedBy!.StartsWith("rule:", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(13);

        // The company's licences: what the deregistration closed is revoked, by its item, at its time, said in both languages.
        var licences = (await Walkthrough.LicencesAsync(client)).ToDictionary(l => l.LicenceType);
        foreach (var (type, item) in new[] { ("business-licence", "business-licence-deregistration"), ("bank-account-licence", "bank-account-closure"), ("official-seal-record", "seal-cancellation") })
        {
            licences[type].Status.ShouldBe(Workflows.Licences.LicenceStatus.Revoked, type);
            licences[type].StatusName.ShouldBe("已注销", type);
            var ended = licences[type].Ended.ShouldNotBeNull(type);
            ended.ApplicationId.ShouldBe(id, type);
            ended.ItemKey.ShouldBe(item, type);
            ended.At.ShouldBeLessThanOrEqualTo(DateTime.UtcNow, type);
            ended.Reason.ShouldContain("注销", Case.Sensitive, type);
        }

        // The representative's own ID card, the material, is theirs: not the company's, and untouched by its closing.
        licences.ShouldNotContainKey("id-card");
        (await server.Licences.HistoryAsync(representativeId)).ShouldHaveSingleItem().Status.ShouldBe(Workflows.Licences.LicenceStatus.Held);
        var english = (await Walkthrough.LicencesAsync(client, "en")).Single(l => l.LicenceType == "business-licence");
        english.StatusName.ShouldBe("Revoked");
        english.Ended!.Reason.ShouldStartWith("Revoked by item 'Company deregistration'");

        // The same deregistration again is refused in the one notice, the pre-submit check first: its purpose is done.
        var again = new
        {
            templateKey = "company-deregistration",
            answers = Answers(),
            materials = new object[]
            {
                new { key = "dissolutionResolution", kind = "upload", reference = await Walkthrough.UploadAsync(client, "company-deregistration", "dissolutionResolution") },
                new { key = "liquidationDocuments", kind = "commitment" },
            },
            parties = representative,
        };
        using (var check = await client.PostAsync("/api/applications/check", Http.Body(again)))
        {
            await check.ShouldBeProblemAsync(422, field: "applicant.licences.business-licence", code: "applicant.licence.ended");
        }

        var refused = await Walkthrough.SubmitAsync(client, again);
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.Text);
        refused.Text.ShouldContain("applicant.licence.ended");
        refused.Text.ShouldContain("营业执照");
        refused.Text.ShouldContain(id);
    }

    [Fact]
    public async Task Opening_TheBankCallsBackBeforeItsItemStarted_409WithRetryAfter_TheSameRequestAfterTheLicenceIsDelivered()
    {
        var company = $"co-{Guid.NewGuid():N}"[..20];
        var (_, representative) = await LegalRepresentativeAsync();
        using var client = server.Company(company, CompanyName);
        var materials = new List<object>();
        // The shareholder's identity is uploaded: it is read from the applicant's licences, and a company holds no ID card.
        foreach (var key in new[] { "articlesOfAssociation", "premisesProof", "taxAgentIdentity", "shareholderIdentity" })
        {
            materials.Add(new { key, kind = "upload", reference = await Walkthrough.UploadAsync(client, "company-opening", key) });
        }

        // The name check is left to an officer: the business licence waits, and the bank account after it.
        var submitted = await Walkthrough.SubmitAsync(client, new { templateKey = "company-opening", answers = OpeningAnswers(), materials, parties = representative });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        using var market = server.Officer("market-regulation");
        var licenceTask = await Walkthrough.WaitForTaskAsync(market, id, "business-licence");

        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            applicationId = id,
            itemKey = "bank-account",
            approved = true,
            reason = "Basic deposit account opened.",
            outputs = new Dictionary<string, string> { ["accountNumber"] = "1202021109900123456" },
        }));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = SystemApi.Sign(ServerFixture.BankSecret, timestamp, body);
        using var anonymous = server.Anonymous();
        using (var early = await anonymous.SendAsync(Callback(body, timestamp, signature)))
        {
            early.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(SystemApi.NotStartedRetrySeconds));
            await early.ShouldBeProblemAsync(409, field: "itemKey", code: "callback.itemNotStarted");
        }

        using (var approved = await Walkthrough.DecideAsync(market, licenceTask, new { kind = "approve", reason = "名称核准通过" }))
        {
            approved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync());
        }

        await Walkthrough.WaitForApplicationAsync(client, id, a => a.Items.Single(i => i.Key == "bank-account").State == ItemState.Running, "the bank account to start");
        using (var retried = await anonymous.SendAsync(Callback(body, timestamp, signature)))
        {
            retried.StatusCode.ShouldBe(HttpStatusCode.Accepted, await retried.Content.ReadAsStringAsync());
        }

        var done = await Walkthrough.WaitForApplicationAsync(client, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Items.Single(i => i.Key == "bank-account").Outputs!["accountNumber"].ShouldBe("1202021109900123456");
    }

    // A legal representative (陈明, as the forms say) holding an ID card of their own, named as the submission names a party.
    async Task<(string Id, Dictionary<string, object> Parties)> LegalRepresentativeAsync()
    {
        var id = $"rep-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(id, "id-card");
        return (id, new() { ["legalRepresentative"] = new { id, name = "陈明" } });
    }

    static object OpeningAnswers() => new
    {
        companyName = CompanyName,
        nameCheckPassed = false,
        companyType = "llc-natural-person-invested",
        registeredCapital = 100,
        capitalContributionYears = 5,
        registeredAddress = "杭州市西湖区文三路100号501室",
        businessScope = "软件开发；信息技术咨询服务",
        legalRepName = "陈明",
        legalRepIdNumber = "110108199007074567",
        contactPhone = "13912345678",
        wantsSeal = false,
        taxpayerType = "small-scale",
        invoiceQuantity = 25,
        accountBank = "icbc",
        employeeCount = 3,
        housingFundRate = 12,
        needsWaterConnection = false,
        needsPowerConnection = false,
        needsGasConnection = false,
    };

    static HttpRequestMessage Callback(byte[] body, long timestamp, string signature)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/systems/bank-account-system/callbacks") { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        message.Headers.Add(SystemApi.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add(SystemApi.SignatureHeader, signature);
        return message;
    }

    static object Answers() => new
    {
        companyName = CompanyName,
        creditCode = "91110108MA01ABCD1E",
        legalRepName = "陈明",
        legalRepIdNumber = "110108199007074567",
        contactPhone = "13912345678",
        deregistrationMode = "simple",
        deregistrationReason = "shareholder-resolution",
        publicNoticeNoObjection = true,
        liquidationCompleted = true,
        noPendingCases = true,
        noOutstandingTax = true,
        invoicesCancelled = true,
        employeeCount = 0,
        noSocialInsuranceArrears = true,
        noHousingFundArrears = true,
        sealsReturned = true,
        noPendingCustomsMatters = true,
        dischargeStopped = true,
        vehicleCertificatesReturned = true,
        operatesPublicVenue = false,
        hazardousStockDisposed = true,
        touristComplaintsSettled = true,
        noUnfinishedProjects = true,
    };
}
