using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.EndToEndTests;

/// <summary>What citizens, companies and officers do over HTTP, shared by the walkthrough tests.</summary>
public static class Walkthrough
{
    public static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"u8.ToArray();
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];

    public static async Task<string> UploadAsync(HttpClient client, string template, string material, byte[]? content = null, string contentType = "application/pdf")
    {
        using var body = new ByteArrayContent(content ?? Pdf);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PostAsync($"/api/bundles/{template}/materials/{material}/uploads", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<UploadResponse>()).Reference;
    }

    public static async Task<(HttpStatusCode Status, SubmitResponse? Body, string Text)> SubmitAsync(HttpClient client, object request, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Http.Body(request) };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<SubmitResponse>(text, Http.Json) : null, text);
    }

    public static Task<ApplicationDetail> WaitForApplicationAsync(HttpClient citizen, string applicationId, Func<ApplicationDetail, bool> done, string what) =>
        Http.PollAsync(async () =>
        {
            using var response = await citizen.GetAsync($"/api/applications/{applicationId}");
            return response.IsSuccessStatusCode ? await response.ReadAsync<ApplicationDetail>() : null;
        }, done, what, TimeSpan.FromSeconds(90));

    /// <summary>Waits until the officer's list shows the application's task in the status, then reads it with its ETag.</summary>
    public static async Task<TaskView> WaitForTaskAsync(HttpClient officer, string applicationId, string itemKey, OfficerTaskStatus status = OfficerTaskStatus.Open)
    {
        var taskId = ItemOrchestrator.InstanceId(applicationId, itemKey);
        var state = JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
        await Http.PollAsync(async () =>
        {
            using var response = await officer.GetAsync($"/api/tasks?status={state}&pageSize=200");
            var page = await response.ReadAsync<Page<TaskRecord>>();
            return page.Items.Any(t => t.TaskId == taskId) ? page : null;
        }, _ => true, $"task {taskId} {status}", TimeSpan.FromSeconds(90));
        return await GetTaskAsync(officer, taskId);
    }

    public static async Task<TaskView> GetTaskAsync(HttpClient officer, string taskId)
    {
        using var response = await officer.GetAsync($"/api/tasks/{Uri.EscapeDataString(taskId)}");
        var view = await response.ReadAsync<TaskView>();
        // The raw header, weak prefix and all: it goes back verbatim in If-Match.
        var etag = response.Headers.GetValues("ETag").Single();
        view.ETag.ShouldBe(etag);
        return view with { ETag = etag };
    }

    public static async Task<HttpResponseMessage> DecideAsync(HttpClient officer, TaskView task, object decision)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/decision") { Content = Http.Body(decision) };
        message.Headers.TryAddWithoutValidation("If-Match", task.ETag);
        return await officer.SendAsync(message);
    }

    public static async Task<IReadOnlyList<LicenceView>> LicencesAsync(HttpClient citizen, string? acceptLanguage = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/licences");
        if (acceptLanguage is not null)
        {
            message.Headers.Add("Accept-Language", acceptLanguage);
        }

        using var response = await citizen.SendAsync(message);
        return await response.ReadItemsAsync<LicenceView>();
    }

    /// <summary>The hospital's birth register telling of a birth to <paramref name="parent"/>: the JSON of a signed register event.</summary>
    public static string BirthRecorded(string parent) => JsonSerializer.Serialize(new
    {
        eventId = $"birth-{parent}",
        type = "birth-recorded",
        subjectId = parent,
        subjectKind = "citizen",
        subjectName = "王芳",
        data = new { babyName = "王小明", babySex = "male", birthDate = "2026-11-20", birthPlace = "市第一人民医院", motherName = "王芳", motherIdNumber = "11010519491231002X" },
    });

    public static object NewbornAnswers(bool insuredLocally = true, bool cardWithBank = false) => new
    {
        babyName = "王小明",
        babySex = "male",
        babyBirthDate = "2026-11-20",
        birthPlace = "市第一人民医院",
        motherName = "王芳",
        motherIdNumber = "11010519491231002X",
        settleWith = "mother",
        registrationAddress = "市中心区人民路1号",
        guardianPhone = "13800138000",
        parentInsuredLocally = insuredLocally,
        applyCardWithBank = cardWithBank,
    };
}
