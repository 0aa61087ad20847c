using System.Text.Json.Nodes;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Reading;

/// <summary>
/// Issue 6 §6: GET /api/v1/events?includeContent=true over large contents answers pages of at most
/// 4 MiB (fewer rows and a nextCursor) instead of one response holding every content.
/// </summary>
public abstract class LargeContentPageTests(PortalFixture fixture)
{
    [Fact]
    public async Task PagesOfLargeContentsStayUnderTheCapAndStillReachEveryEvent()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        // Five events of about 1 MB of content each: one page of 50 would be over 5 MB.
        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 5).Select(i =>
            Events.LlmCall($"{tag}-{i}", actor: $"big-{tag}", text: new string((char)('a' + i), 1_000_000)))]);

        var seen = new List<string>();
        var pages = new List<int>();
        string? cursor = null;
        do
        {
            var response = await fixture.Reader.GetAsync($"/api/v1/events?actor=big-{tag}&includeContent=true" + (cursor is null ? "" : $"&cursor={cursor}"),
                TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode);
            Assert.True(body.Length <= TimelineService.MaxPageBytes, $"a page of {body.Length} bytes");
            var page = JsonNode.Parse(body)!;
            foreach (var e in page["events"]!.AsArray())
            {
                var id = (string)e!["id"]!;
                var letter = (char)('a' + int.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(new string(letter, 1_000_000), (string)e["disclosedContent"]!["input"]![0]!["content"]!);
                Assert.Equal(32, Convert.FromHexString((string)e["contentSalt"]!).Length);
                seen.Add(id);
            }
            pages.Add(page["events"]!.AsArray().Count);
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);

        Assert.True(pages.Count >= 2, $"one page held them all: {string.Join(", ", pages)}");
        Assert.Equal([.. Enumerable.Range(0, 5).Reverse().Select(i => $"{tag}-{i}")], seen);
    }
}

[Collection("sqlite")]
public sealed class SqliteLargeContentPageTests(SqlitePortalFixture fixture) : LargeContentPageTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresLargeContentPageTests(PostgresPortalFixture fixture) : LargeContentPageTests(fixture), IClassFixture<PostgresPortalFixture>;
