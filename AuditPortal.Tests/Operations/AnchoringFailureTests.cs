using System.Net;
using System.Text.Json.Nodes;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// An anchor directory that cannot be written (here: its path is taken by a file, which stops root
/// too) must not stop ingestion, must be visible in the log from start-up and in /health/ready, and
/// every checkpoint stored meanwhile is anchored once the directory works again.
/// </summary>
public abstract class AnchoringFailureTests(LedgerProvider provider)
{
    [Fact]
    public async Task IngestionContinuesReadinessDegradesAndMissingAnchorsAreWrittenOnceTheDirectoryWorks()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await File.WriteAllTextAsync(ledger.AnchorDirectory, "not a directory");
        var log = new CapturedLog();
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        using var anonymous = portal.CreateClient();

        // Start-up already says so, before any traffic.
        await Eventually.WaitUntilAsync(() => log.Contains(LogLevel.Error, "anchor directory"), "no start-up log line about the anchor directory");

        var ingest = await portal.ClientWithKeyAsync("anchor-bot", "ingest");
        for (var batch = 0; batch < 3; batch++)
        {
            await Events.PostAsync(ingest, [.. Enumerable.Range(0, 5).Select(i => Events.LlmCall($"anchorless-{batch}-{i}"))]);
            await Eventually.WaitUntilAsync(async () => await StoredCheckpointAsync(ledger) >= await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals"),
                "checkpoints must still be stored while the anchor directory fails");
        }
        var stored = await ledger.ScalarAsync("SELECT COUNT(*) FROM checkpoints");
        Assert.True(stored >= 3, $"{stored} checkpoints stored");

        var ready = await ReadyAsync(anonymous);
        Assert.Equal("Degraded", (string)ready["status"]!);
        Assert.Equal("Degraded", (string)ready["checks"]!["anchoring"]!["status"]!);
        Assert.Equal("Healthy", (string)ready["checks"]!["database"]!["status"]!);
        Assert.DoesNotContain(ledger.Folder, ready.ToJsonString());

        File.Delete(ledger.AnchorDirectory);
        var sizes = new List<long>();
        await using (var connection = ledger.OpenConnection())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT tree_size FROM checkpoints ORDER BY tree_size";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) sizes.Add(reader.GetInt64(0));
        }
        await Eventually.WaitUntilAsync(() => sizes.All(s => File.Exists(Path.Combine(ledger.AnchorDirectory, AnchorDirectory.FileName(s)))),
            "every checkpoint stored while the directory failed must be anchored once it works");
        await Eventually.WaitUntilAsync(async () => (string)(await ReadyAsync(anonymous))["checks"]!["anchoring"]!["status"]! == "Healthy",
            "readiness must recover once the anchors are written");
        // The publisher marks the directory healthy and then logs it: readiness can be seen before the line.
        await Eventually.WaitUntilAsync(() => log.Contains(LogLevel.Warning, "works again"), "no log line saying the anchor directory works again");

        await portal.DisposeAsync();
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
    }

    private static async Task<long> StoredCheckpointAsync(TestLedger ledger) => await ledger.ScalarAsync("SELECT COALESCE(MAX(tree_size), 0) FROM checkpoints");

    private static async Task<JsonNode> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

[Collection("sqlite")]
public sealed class SqliteAnchoringFailureTests() : AnchoringFailureTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresAnchoringFailureTests() : AnchoringFailureTests(LedgerProvider.Postgres);
