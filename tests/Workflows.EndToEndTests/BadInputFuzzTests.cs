using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Systems;
using Workflows.Tasks;

namespace Workflows.EndToEndTests;

/// <summary>
/// Every JSON route of the real server against a bounded, seeded corpus of malformed bodies, each sent by the
/// caller the route is for: every answer is a 4xx problem+json, and nothing was written. Seed and size come from
/// <c>WORKFLOWS_FUZZ_SEED</c> and <c>WORKFLOWS_FUZZ_BODIES</c> (per route) when set, so a failure is replayed exactly.
/// </summary>
public sealed partial class BadInputTests
{
    const int DefaultFuzzSeed = 20261202;
    const int DefaultBodiesPerRoute = 30;

    [Fact]
    public async Task Fuzz_EveryJsonRouteWithMalformedBodies_Answers4xxProblemAndWritesNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WORKFLOWS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultFuzzSeed;
        var perRoute = int.TryParse(Environment.GetEnvironmentVariable("WORKFLOWS_FUZZ_BODIES"), CultureInfo.InvariantCulture, out var n) ? n : DefaultBodiesPerRoute;
        var shared = await SharedAsync();
        var before = await Walkthrough.GetTaskAsync(Keep(server.Officer("hospital")), shared.Task);
        var citizens = new List<string>();
        var assisted = new List<string>();
        var subject = $"fuzz-subject-{Guid.NewGuid():N}"[..24];
        var none = $"app-{Guid.NewGuid():N}";

        // Each route: a name, a harmless valid-looking body (no mutation can turn it into one that does anything), and how to send it.
        var routes = new List<(string Name, string Seed, Func<int, byte[], Task<HttpResponseMessage>> Send)>
        {
            ("POST /api/applications", NewbornJson(materials: """[{"key":"babyPhoto","kind":"upload","reference":"r"}]"""), (i, body) =>
            {
                // Submits are limited per user per minute: a fresh citizen every ten.
                if (i % 10 == 0) { citizens.Add($"fuzz-{Guid.NewGuid():N}"[..20]); }
                return PostAsync(server.Citizen(citizens[^1]), "/api/applications", body);
            }),
            ("POST /api/assisted/applications", """{"applicant":{"id":"fuzz-applicant","kind":"citizen"},"templateKey":"newborn","answers":{"babyName":"王小明"},"materials":[{"key":"babyPhoto","kind":"upload","reference":"r"}]}""", (i, body) =>
            {
                if (i % 10 == 0) { assisted.Add($"fuzz-helper-{Guid.NewGuid():N}"[..24]); }
                var helper = server.As(server.Tokens.Mint(assisted[^1], "帮办员", CallerRole.Officer, department: "service-hall", assist: true));
                return PostAsync(helper, "/api/assisted/applications", body);
            }),
            ("POST withdrawal", """{"reason":"不再需要"}""", (_, body) => PostAsync(server.Citizen(citizen), $"/api/applications/{none}/withdrawal", body)),
            ("POST confirmation", """{"answers":{"babyName":"王小明"},"materials":[{"key":"babyPhoto","kind":"upload","reference":"r"}]}""", (_, body) => PostAsync(server.Citizen(citizen), $"/api/applications/{none}/confirmation", body)),
            ("POST declination", """{"reason":"不需要"}""", (_, body) => PostAsync(server.Citizen(citizen), $"/api/applications/{none}/declination", body)),
            ("POST ratings", """{"item":null,"score":3,"tags":["fast"],"comment":"好"}""", (_, body) => PostAsync(server.Citizen(citizen), $"/api/applications/{none}/ratings", body)),
            ("POST stuck", """{"description":"办不成"}""", (_, body) => PostAsync(server.Citizen(citizen), $"/api/applications/{none}/stuck", body)),
            ("POST supplement", """{"references":{"householdRegister":"someone-else/householdRegister/0"}}""",
                (_, body) => PostAsync(server.Citizen(shared.AskedOwner), $"/api/applications/{shared.Asked}/items/household-registration/supplement", body)),
            ("POST decision", """{"kind":"reject","reason":"不符合","materials":["parentsIdCards"]}""",
                (_, body) => PostAsync(server.Officer("hospital"), $"/api/tasks/{Uri.EscapeDataString(shared.Task)}/decision", body, shared.StaleTaskETag)),
            ("POST response", """{"text":"已处理"}""",
                (_, body) => PostAsync(server.Officer("hospital"), $"/api/tasks/{Uri.EscapeDataString(shared.Task)}/response", body, shared.StaleTaskETag)),
            ("POST bulk", """{"action":"explode","query":{"applicationIds":["app-none"],"status":"inProgress"},"reason":"r","workingDays":0}""",
                (_, body) => PostAsync(server.Admin(), "/api/admin/applications/bulk", body)),
            ("POST extension", """{"workingDays":0,"reason":"r"}""", (_, body) => PostAsync(server.Admin(), $"/api/admin/applications/{none}/items/birth-certificate/extension", body)),
            ("POST resolution", """{"text":"已解决"}""", (_, body) => PostAsync(server.Admin(), $"/api/admin/cases/case:{none}/resolution", body)),
            ("POST callback", $$$"""{"applicationId":"{{{none}}}","itemKey":"bank-account","approved":true,"reason":"r","outputs":{"accountNumber":"1"}}""",
                (_, body) => SignedAsync("bank-account-system", "callbacks", ServerFixture.BankSecret, body)),
            ("POST event", $$$"""{"eventId":"fuzz-event","type":"no-such-event","subjectId":"{{{subject}}}","subjectKind":"citizen","subjectName":"王芳","data":{"babyName":"王小明"}}""",
                (_, body) => SignedAsync("birth-register-system", "events", ServerFixture.BirthRegisterSecret, body)),
        };

        var fuzzer = new BodyFuzzer(seed);
        var tried = 0;
        var failures = new List<string>();
        foreach (var (name, seedBody, send) in routes)
        {
            for (var i = 0; i < perRoute; i++)
            {
                var body = fuzzer.Mutate(seedBody);
                using var response = await send(i, body);
                tried++;
                var status = (int)response.StatusCode;
                var type = response.Content.Headers.ContentType?.MediaType;
                if (status is < 400 or > 499 || type != "application/problem+json")
                {
                    failures.Add($"{name} #{i}: {status} {type} for {Printable(body)}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        output.WriteLine($"{nameof(Fuzz_EveryJsonRouteWithMalformedBodies_Answers4xxProblemAndWritesNothing)}: tried {tried} bodies on {routes.Count} routes (seed {seed}, {perRoute} per route), {failures.Count} failed");
        failures.ShouldBeEmpty(string.Join("\n", failures.Take(20)));

        // Nothing written: no application for any citizen, applicant or subject used, the task and the asked item as they were.
        foreach (var id in citizens.Append("fuzz-applicant").Append(subject))
        {
            using var client = server.Citizen(id);
            (await (await client.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty(id);
        }

        var after = await Walkthrough.GetTaskAsync(Keep(server.Officer("hospital")), shared.Task);
        after.ETag.ShouldBe(before.ETag, "a refused decision wrote the task");
        (await Walkthrough.GetTaskAsync(Keep(server.Officer("police")), shared.AskedTask)).Task.Status.ShouldBe(OfficerTaskStatus.AwaitingApplicant);
    }

    static string Printable(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return PersonText.ForLog(text, 300);
    }

    async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, byte[] body, string? ifMatch = null)
    {
        Keep(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Keep(new ByteArrayContent(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    async Task<HttpResponseMessage> SignedAsync(string system, string kind, string secret, byte[] body)
    {
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/systems/{system}/{kind}") { Content = Keep(new ByteArrayContent(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SystemApi.TimestampHeader, at.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(secret, at, body));
        return await Keep(server.Anonymous()).SendAsync(request);
    }
}

/// <summary>
/// Malformed JSON bodies from a valid one, reproducibly from a seed: broken syntax, values of the wrong type, text no
/// person should be shown (controls, bidi overrides, lone surrogates), nulls in lists, unknown fields, deep nesting,
/// huge numbers and strings, invalid UTF-8.
/// </summary>
public sealed class BodyFuzzer(int seed)
{
    // Placeholders replaced after serialization by text a serializer would never write.
    const string LoneSurrogate = "@@LONE@@";
    const string HugeNumber = "@@HUGE@@";
    const string DeepNesting = "@@DEEP@@";

    static readonly Func<JsonNode?>[] BadValues =
    [
        () => null, () => 0, () => -1, () => 1.5, () => true, () => "", () => " ", () => "\u0000", () => "\u001b[2J\u001b[31m", () => "abc\u202Efed",
        () => "\u2066x\u2069", () => "line\nbreak", () => LoneSurrogate, () => HugeNumber, () => DeepNesting, () => new string('x', 5000), () => "../wfuploads",
        () => new JsonArray(), () => new JsonArray((JsonNode?)null), () => new JsonObject(), () => new JsonObject { ["zz"] = 1 }, () => "1", () => "true",
    ];

    static readonly string[] WholeBodies = ["", " ", "null", "[]", "0", "\"x\"", "{", "}", "{}", "[null]", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "/* c */{}"];

    readonly Random random = new(seed);

    /// <summary>One malformed body made from a valid one.</summary>
    /// <param name="valid">The valid body.</param>
    /// <returns>The bytes to send.</returns>
    public byte[] Mutate(string valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        switch (random.Next(10))
        {
            case 0:
                return Encoding.UTF8.GetBytes(valid[..random.Next(valid.Length)]);
            case 1:
                var at = random.Next(valid.Length);
                return Encoding.UTF8.GetBytes(valid.Remove(at, 1));
            case 2:
                var into = random.Next(valid.Length);
                return Encoding.UTF8.GetBytes(valid.Insert(into, "{}[]\",:\\0-n \u0000"[random.Next(13)].ToString()));
            case 3:
                return Encoding.UTF8.GetBytes(WholeBodies[random.Next(WholeBodies.Length)]);
            case 4:
                // Invalid UTF-8: a stray continuation byte, an overlong NUL, an encoded surrogate.
                var bytes = Encoding.UTF8.GetBytes(valid).ToList();
                byte[][] bad = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80]];
                var where = valid.IndexOf(':', StringComparison.Ordinal) + 2;
                bytes.InsertRange(Math.Clamp(where, 0, bytes.Count), bad[random.Next(bad.Length)]);
                return [.. bytes];
            case 5:
                return Structural(valid, node => AddUnknown(node));
            case 6:
                return Structural(valid, node => NullInList(node));
            default:
                return Structural(valid, node => ReplaceValue(node));
        }
    }

    byte[] Structural(string valid, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(valid)!;
        change(node);
        var text = node.ToJsonString()
            .Replace($"\"{LoneSurrogate}\"", random.Next(2) == 0 ? "\"\\ud800\"" : "\"x\\udfff\"", StringComparison.Ordinal)
            .Replace($"\"{HugeNumber}\"", "1e400", StringComparison.Ordinal)
            .Replace($"\"{DeepNesting}\"", new string('[', 40) + new string(']', 40), StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    void ReplaceValue(JsonNode root)
    {
        var slots = Slots(root).ToList();
        var (parent, key, index) = slots[random.Next(slots.Count)];
        var value = BadValues[random.Next(BadValues.Length)]();
        if (parent is JsonObject o)
        {
            o[key!] = value;
        }
        else
        {
            ((JsonArray)parent)[index] = value;
        }
    }

    void AddUnknown(JsonNode root)
    {
        var objects = Slots(root).Select(s => s.Parent).OfType<JsonObject>().Distinct().ToList();
        var target = objects.Count == 0 ? root as JsonObject : objects[random.Next(objects.Count)];
        target?.Add($"unknown{random.Next(1000)}", BadValues[random.Next(BadValues.Length)]());
    }

    void NullInList(JsonNode root)
    {
        var lists = Slots(root).Select(s => s.Parent).OfType<JsonArray>().Distinct().ToList();
        if (lists.Count > 0)
        {
            lists[random.Next(lists.Count)].Add(null);
        }
        else
        {
            ReplaceValue(root);
        }
    }

    // Every place a value sits: (its container, its key in an object, its index in a list).
    static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o.ToList())
            {
                yield return (o, key, -1);
                if (value is not null)
                {
                    foreach (var inner in Slots(value))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                yield return (a, null, i);
                if (a[i] is { } value)
                {
                    foreach (var inner in Slots(value))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
