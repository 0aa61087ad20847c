using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>POST /api/v1/events against a real database: receipts, idempotency, atomic rejection, auth, limits.</summary>
public abstract class IngestionApiTests(PortalFixture fixture)
{
    private HttpClient Ingest => fixture.Ingest;
    private TestLedger Ledger => fixture.Ledger;
    private static string NewId() => "evt-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AcceptedBatchReturnsReceiptsInRequestOrderMatchingTheStoredLeaves()
    {
        var ids = new[] { NewId(), NewId(), NewId() };
        var body = await Events.PostAsync(Ingest, [.. ids.Select(id => Events.LlmCall(id))]);

        var receipts = body["receipts"]!.AsArray();
        Assert.Equal(ids, receipts.Select(r => (string)r!["id"]!));
        var sequences = receipts.Select(r => (long)r!["sequence"]!).ToList();
        Assert.Equal(Enumerable.Range(0, 3).Select(i => sequences[0] + i), sequences);
        Assert.All(receipts, r => Assert.False((bool)r!["duplicate"]!));

        await using var db = Ledger.OpenContext();
        foreach (var receipt in receipts)
        {
            var sequence = (long)receipt!["sequence"]!;
            var stored = await db.Entries.SingleAsync(e => e.Sequence == sequence, TestContext.Current.CancellationToken);
            var expected = SHA256.HashData([0x00, .. stored.Envelope]);
            Assert.Equal(Convert.ToHexStringLower(expected), (string)receipt["leafHash"]!);
            Assert.Equal((string)receipt["id"]!, stored.EventId);
            Assert.Equal("support-bot", stored.SubmittedBy);
        }
    }

    [Fact]
    public async Task ResendingTheSameEventReturnsTheOriginalReceiptMarkedDuplicate()
    {
        var call = Events.LlmCall(NewId());
        var first = (await Events.PostAsync(Ingest, call))["receipts"]![0]!;
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");

        var again = (await Events.PostAsync(Ingest, call.DeepClone(), Events.LlmCall(NewId())))["receipts"]!;

        Assert.Equal((long)first["sequence"]!, (long)again[0]!["sequence"]!);
        Assert.Equal((string)first["leafHash"]!, (string)again[0]!["leafHash"]!);
        Assert.True((bool)again[0]!["duplicate"]!);
        Assert.False((bool)again[1]!["duplicate"]!);
        Assert.Equal(before + 1, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task SameIdWithDifferentContentIsAConflictAndStoresNothing()
    {
        var id = NewId();
        await Events.PostAsync(Ingest, Events.LlmCall(id, text: "original question"));
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");

        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.LlmCall(NewId()), Events.LlmCall(id, text: "edited question")));

        Assert.Equal(409, status);
        Assert.Equal("urn:auditportal:problem:conflict", (string)problem["type"]!);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("events[1].id"));
        Assert.Equal(before, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task TheSameIdFromTwoServicesIsTwoEvents()
    {
        using var other = await fixture.Portal.ClientWithKeyAsync("other-bot-" + Guid.NewGuid().ToString("N")[..8], ApiKeyScopes.Ingest);
        var id = NewId();
        var ours = (await Events.PostAsync(Ingest, Events.LlmCall(id, text: "ours")))["receipts"]![0]!;

        var theirEvent = Events.LlmCall(id, text: "theirs");
        var theirs = (await Events.PostAsync(other, theirEvent.DeepClone()))["receipts"]![0]!;
        var theirResend = (await Events.PostAsync(other, theirEvent.DeepClone()))["receipts"]![0]!;

        Assert.False((bool)theirs["duplicate"]!);
        Assert.NotEqual((long)ours["sequence"]!, (long)theirs["sequence"]!);
        Assert.True((bool)theirResend["duplicate"]!);
        Assert.Equal((long)theirs["sequence"]!, (long)theirResend["sequence"]!);
        await using var db = Ledger.OpenContext();
        Assert.Equal(2, await db.Entries.CountAsync(e => e.EventId == id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AConflictingResendIs409AndRevealsNothingOfTheRecordedEvent()
    {
        using var other = await fixture.Portal.ClientWithKeyAsync("other-bot-" + Guid.NewGuid().ToString("N")[..8], ApiKeyScopes.Ingest);
        var id = NewId();
        var ours = Events.LlmCall(id, text: "ours", model: "secret-model-7");
        await Events.PostAsync(Ingest, Events.LlmCall(NewId()), ours.DeepClone());
        var recorded = (await Events.PostAsync(Ingest, ours.DeepClone()))["receipts"]![0]!;
        await Events.PostAsync(other, Events.LlmCall(id, text: "theirs"));

        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.LlmCall(id, text: "edited")));

        Assert.Equal(409, status);
        Assert.Equal(["events[0].id"], problem["errors"]!.AsObject().Select(e => e.Key));
        var text = $"{problem["title"]} {problem["detail"]} {problem["errors"]!.ToJsonString()}";
        Assert.DoesNotMatch($@"\b{(long)recorded["sequence"]!}\b", text);
        Assert.DoesNotContain("sequence", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain((string)recorded["leafHash"]!, text);
        Assert.DoesNotContain("secret-model-7", text);
    }

    [Fact]
    public async Task OneInvalidEventRejectsTheWholeBatchAndStoresNothing()
    {
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var bad = Events.LlmCall(NewId());
        bad["occurredAt"] = "2026-11-26T10:00:00";

        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.LlmCall(NewId()), Events.LlmCall(NewId()), bad));

        Assert.Equal(400, status);
        Assert.Equal("urn:auditportal:problem:validation", (string)problem["type"]!);
        Assert.Equal(["events[2].occurredAt"], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Theory]
    [InlineData("""{"events":[{"id":"a","type":"llm.call","id":"b"}]}""", "events[0].id")]
    [InlineData("""{"events":[]}""", "events")]
    [InlineData("""{"events":{}}""", "events")]
    [InlineData("""{"events":[{"id":"a","type":"nope","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"}}]}""", "events[0].type")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"robot"}}]}""", "events[0].actor.kind")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-02-30T00:00:00Z","actor":{"id":"u","kind":"user"}}]}""", "events[0].occurredAt")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"attributes":{"n":{"deep":1}}}]}""", "events[0].attributes.n")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"attributes":{"n":9007199254740993}}]}""", "events[0].attributes.n")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"attributes":{"s":"\ud800"}}]}""", "events[0].attributes.s")]
    [InlineData("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"ocurredAt":"x"}]}""", "events[0].ocurredAt")]
    [InlineData("""{"events":[{"id":"a","type":"llm.call","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"model":"m","provider":"openai","input":[{"role":"user","content":"x"}],"output":[],"status":"ok","latencyMs":1.5}]}""", "events[0].latencyMs")]
    [InlineData("""{"events":[{"id":"a","type":"llm.call","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"},"model":"m","provider":"openai","input":[{"role":"user","content":"x"}],"output":[],"status":"ok","latencyMs":NaN}]}""", "events[0].latencyMs")]
    public async Task MalformedEventsAreProblemDetailsNamingTheField(string json, string field)
    {
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var (status, problem) = await Events.SendAsync(Ingest, Events.Raw(json));

        Assert.Equal(400, status);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected an error for {field}, got {errors.ToJsonString()}");
        Assert.Equal(before, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task AHostileBatchGetsASmallProblemListingTheFirstHundredErrorsAndTheirCount()
    {
        // 1000 events, each with 1,380 unknown fields: just under the 10 MiB limit, 1,380,000 errors.
        const int Fields = 1380;
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var names = Digits.SelectMany(a => Digits.Select(b => $"{a}{b}"))
            .Concat(Digits.SelectMany(a => Digits.SelectMany(b => Digits.Select(c => $"{a}{b}{c}"))))
            .Where(n => n != "id").Take(Fields).ToList();
        var body = new StringBuilder("{\"events\":[");
        for (var i = 0; i < 1000; i++)
        {
            if (i > 0) body.Append(',');
            body.Append($$"""{"id":"h{{i}}","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"u","kind":"user"}""");
            foreach (var name in names) body.Append(",\"").Append(name).Append("\":0");
            body.Append('}');
        }
        body.Append("]}");
        Assert.InRange(Encoding.UTF8.GetByteCount(body.ToString()), 9_000_000, 10 * 1024 * 1024);

        var response = await Ingest.PostAsync("/api/v1/events", Events.Raw(body.ToString()));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(text.Length < 32 * 1024, $"the problem body is {text.Length} characters");
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(1000 * Fields, (int)problem["errorCount"]!);
        Assert.True((bool)problem["errorsTruncated"]!);
        Assert.Equal(100, problem["errors"]!.AsObject().Sum(e => e.Value!.AsArray().Count));
        Assert.True(problem["errors"]!.AsObject().ContainsKey("events[0].00"));
    }

    [Fact]
    public async Task InvalidUtf8IsRejected()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"events":[{"id":"a","type":"access","occurredAt":"2026-01-01T00:00:00Z","actor":{"id":"X","kind":"user"}}]}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte with no continuation
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        var (status, problem) = await Events.SendAsync(Ingest, content);
        Assert.Equal(400, status);
        Assert.Contains("UTF-8", problem["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task MissingOrUnknownKeysAre401AndReadKeysCannotIngest()
    {
        using var anonymous = fixture.Portal.CreateClient();
        var response = await anonymous.PostAsync("/api/v1/events", Events.Batch(Events.LlmCall(NewId())));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "apk_" + new string('x', 43));
        response = await anonymous.PostAsync("/api/v1/events", Events.Batch(Events.LlmCall(NewId())));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var (status, problem) = await Events.SendAsync(fixture.Reader, Events.Batch(Events.LlmCall(NewId())));
        Assert.Equal(403, status);
        Assert.Equal("urn:auditportal:problem:forbidden", (string)problem["type"]!);
    }

    [Fact]
    public async Task IngestKeysCannotRead()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Ingest.GetAsync("/api/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Ingest.GetAsync("/api/v1/proofs/inclusion?sequence=0")).StatusCode);
    }

    [Fact]
    public async Task WrongContentTypeIs415()
    {
        var (status, problem) = await Events.SendAsync(Ingest, new StringContent("""{"events":[]}""", Encoding.UTF8, "text/plain"));
        Assert.Equal(415, status);
        Assert.Equal("urn:auditportal:problem:unsupported-media-type", (string)problem["type"]!);
    }

    [Fact]
    public async Task CompressedBodiesAre415AndStoreNothing()
    {
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var json = await Events.Batch(Events.LlmCall(NewId())).ReadAsByteArrayAsync();
        using var packed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            await gzip.WriteAsync(json);
        var content = new ByteArrayContent(packed.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await Ingest.PostAsync("/api/v1/events", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("identity", response.Headers.TryGetValues("Accept-Encoding", out var accepted) ? string.Join(",", accepted) : null);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("urn:auditportal:problem:unsupported-media-type", (string)problem["type"]!);
        Assert.Contains("gzip", (string)problem["detail"]!);
        Assert.Equal(before, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task BodiesOverTenMebibytesAre413AndStoreNothing()
    {
        var before = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var padding = new string('a', 10 * 1024 * 1024);
        var (status, _) = await Events.SendAsync(Ingest, Events.Raw($$"""{"events":[{"id":"{{padding}}"}]}"""));
        Assert.Equal(413, status);

        // Without Content-Length (chunked), the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"events":[{"id":"{{padding}}"}]}""")));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var response = await Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task ConcurrentBatchesGetOneGaplessOrder()
    {
        var tasks = Enumerable.Range(0, 24).Select(_ => Events.PostAsync(Ingest, Events.LlmCall(NewId()), Events.LlmCall(NewId())));
        var bodies = await Task.WhenAll(tasks);
        var sequences = bodies.SelectMany(b => b["receipts"]!.AsArray().Select(r => (long)r!["sequence"]!)).Order().ToList();
        Assert.Equal(48, sequences.Distinct().Count());

        var count = await Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var max = await Ledger.ScalarAsync("SELECT MAX(sequence) FROM ledger_entries");
        Assert.Equal(count - 1, max);
    }

    [Fact]
    public async Task SimultaneousResendsOfOneBatchAgreeOnOneReceiptEach()
    {
        // Concurrent requests land in one group commit or in several; either way each event is stored once.
        var events = new[] { Events.LlmCall(NewId()), Events.LlmCall(NewId()) };
        var bodies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Events.PostAsync(Ingest, [.. events.Select(e => e.DeepClone())])));

        for (var i = 0; i < events.Length; i++)
        {
            var receipts = bodies.Select(b => b["receipts"]![i]!).ToList();
            Assert.Single(receipts.Select(r => (long)r["sequence"]!).Distinct());
            Assert.Single(receipts.Select(r => (string)r["leafHash"]!).Distinct());
            Assert.Single(receipts, r => !(bool)r["duplicate"]!);
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheContract()
    {
        using var client = fixture.Portal.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v1/events", "/api/v1/checkpoints/latest", "/api/v1/checkpoints/key", "/api/v1/proofs/inclusion", "/api/v1/proofs/consistency" })
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
        Assert.NotNull(document["paths"]!["/api/v1/events"]!["post"]!["requestBody"]);
    }
}

[Collection("sqlite")]
public sealed class SqliteIngestionApiTests(SqlitePortalFixture fixture) : IngestionApiTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresIngestionApiTests(PostgresPortalFixture fixture) : IngestionApiTests(fixture), IClassFixture<PostgresPortalFixture>;
