using System.Net;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>GET /api/v1/events: filters, keyset paging newest first, content on request, every read recorded.</summary>
public abstract class EventsQueryTests(PortalFixture fixture)
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task FiltersNarrowByActorModelApplicationAndPromptVersion()
    {
        var tag = Tag();
        var prompt = $"q-{tag}";
        await Events.PostAsync(fixture.Ingest,
            Events.PromptCreated($"{tag}-p1", prompt, 1, "alice"), Events.PromptCreated($"{tag}-p2", prompt, 2, "alice", parent: 1));
        await Events.PostAsync(fixture.Ingest,
            Events.LlmCall($"{tag}-1", actor: $"u1-{tag}", model: "gpt-4o", prompt: (prompt, 1)),
            Events.LlmCall($"{tag}-2", actor: $"u1-{tag}", model: "claude-sonnet-4", prompt: (prompt, 2)),
            Events.LlmCall($"{tag}-3", actor: $"u2-{tag}", model: "gpt-4o", application: $"app-{tag}", prompt: (prompt, 2)));

        async Task<string[]> Ids(string query) =>
            [.. (await Events.GetJsonAsync(fixture.Reader, "/api/v1/events?" + query))["events"]!.AsArray().Select(e => (string)e!["id"]!).Order()];

        Assert.Equal([$"{tag}-1", $"{tag}-2"], await Ids($"actor=u1-{tag}"));
        Assert.Equal([$"{tag}-1"], await Ids($"actor=u1-{tag}&model=gpt-4o"));
        Assert.Equal([$"{tag}-3"], await Ids($"application=app-{tag}"));
        Assert.Equal([$"{tag}-1", $"{tag}-2", $"{tag}-3", $"{tag}-p1", $"{tag}-p2"], await Ids($"prompt={prompt}"));
        Assert.Equal([$"{tag}-2", $"{tag}-3", $"{tag}-p2"], await Ids($"prompt={prompt}&promptVersion=2"));
        Assert.Equal([$"{tag}-p1", $"{tag}-p2"], await Ids($"prompt={prompt}&type=prompt.version.created"));
        // Text search is case-insensitive; the type filter leaves out the access events that recorded earlier queries for this text.
        Assert.Equal([$"{tag}-3"], await Ids($"type=llm.call&q=APP-{tag.ToUpperInvariant()}"));
    }

    [Fact]
    public async Task KeysetPagingVisitsEveryEventOnceNewestFirst()
    {
        var tag = Tag();
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        // Pairs share a timestamp, so the sequence tiebreak is exercised.
        var calls = Enumerable.Range(0, 23).Select(i => Events.LlmCall($"{tag}-{i:D2}", actor: $"pager-{tag}", at: start.AddMinutes(i / 2))).ToArray();
        await Events.PostAsync(fixture.Ingest, calls[..10]);
        await Events.PostAsync(fixture.Ingest, calls[10..]);

        var seen = new List<(string Id, string OccurredAt, long Sequence)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Events.GetJsonAsync(fixture.Reader, $"/api/v1/events?actor=pager-{tag}&limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["events"]!.AsArray().Select(e => ((string)e!["id"]!, (string)e["occurredAt"]!, (long)e["sequence"]!)));
            cursor = (string?)page["nextCursor"];
            pages++;
        } while (cursor is not null);

        Assert.Equal(6, pages);
        Assert.Equal(23, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.OccurredAt, StringComparer.Ordinal).ThenByDescending(s => s.Sequence).Select(s => s.Id), seen.Select(s => s.Id));
    }

    [Fact]
    public async Task ContentIsDisclosedOnlyWhenAskedForAndEachReadIsAnAccessEvent()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-1", actor: $"content-{tag}", text: "<script>alert(1)</script>"));

        var plain = await Events.GetJsonAsync(fixture.Reader, $"/api/v1/events?actor=content-{tag}");
        Assert.Null(plain["events"]![0]!["disclosedContent"]);
        Assert.StartsWith("sha256:", (string)plain["events"]![0]!["content"]!);

        var full = await Events.GetJsonAsync(fixture.Reader, $"/api/v1/events?actor=content-{tag}&includeContent=true");
        var content = full["events"]![0]!["disclosedContent"]!;
        Assert.Equal("<script>alert(1)</script>", (string)content["input"]![0]!["content"]!);

        await using var db = fixture.Ledger.OpenContext();
        var reads = await db.Entries.Where(e => e.Type == "access" && e.ActorId == "auditor" && e.SearchText.Contains(tag))
            .CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, reads);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("from=yesterday", "from")]
    [InlineData("promptVersion=2", "promptVersion")]
    [InlineData("includeContent=maybe", "includeContent")]
    [InlineData("colour=blue", "colour")]
    public async Task BadQueryParametersAreNamed(string query, string field)
    {
        var response = await fixture.Reader.GetAsync("/api/v1/events?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("actor=", "actor")]
    [InlineData("actor", "actor")]
    [InlineData("type=&model=gpt-4o", "type")]
    [InlineData("application=", "application")]
    [InlineData("model=", "model")]
    [InlineData("prompt=", "prompt")]
    [InlineData("q=", "q")]
    [InlineData("from=", "from")]
    [InlineData("actor=alice%40example.com&actor=bob%40example.com", "actor")]
    [InlineData("q=a&q=b", "q")]
    [InlineData("limit=5&limit=6", "limit")]
    [InlineData("actor=%E2%80%AEalice", "actor")]
    [InlineData("actor=%20%20", "actor")]
    public async Task EmptyRepeatedOrDisguisedFiltersAre400AndDoNotTalkAboutStoring(string query, string field)
    {
        var response = await fixture.Reader.GetAsync("/api/v1/events?" + query);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Assert.Equal("urn:auditportal:problem:validation", (string)problem["type"]!);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.DoesNotContain("stored", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheActorFilterFindsAnIdHoweverItIsSpelled()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-1", actor: $"Spelled-{tag}@Example.com"));

        foreach (var spelling in new[] { $"spelled-{tag}@example.com", $"SPELLED-{tag}@EXAMPLE.COM", $"%20spelled-{tag}@example.com%20" })
        {
            var page = await Events.GetJsonAsync(fixture.Reader, "/api/v1/events?actor=" + spelling.Replace("@", "%40"));
            Assert.Equal([$"{tag}-1"], page["events"]!.AsArray().Select(e => (string)e!["id"]!));
            Assert.Equal($"spelled-{tag}@example.com", (string)page["events"]![0]!["actor"]!["id"]!);
        }
    }
}

[Collection("sqlite")]
public sealed class SqliteEventsQueryTests(SqlitePortalFixture fixture) : EventsQueryTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresEventsQueryTests(PostgresPortalFixture fixture) : EventsQueryTests(fixture), IClassFixture<PostgresPortalFixture>;
