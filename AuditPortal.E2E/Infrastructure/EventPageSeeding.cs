using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// Data for the event page's browser tests, sent through the portal's real ingestion API under a key and
/// application of the test's own (other tests write to the same Development portal), and an attacker's edit of
/// one stored envelope for a portal the test started itself.
/// </summary>
public static class EventPageSeeding
{
    /// <summary>Sends one call under a fresh ingest key and waits for a checkpoint that covers it.</summary>
    /// <returns>The call's sequence.</returns>
    public static async Task<long> IngestCallAsync(this PortalServer portal, string application, string question, string answer)
    {
        using var client = await portal.IngestClientAsync($"{application}-bot");
        var call = new JsonObject
        {
            ["id"] = $"{application}-call",
            ["type"] = "llm.call",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = "carol@example.com", ["kind"] = "user", ["displayName"] = "Carol Claims" },
            ["application"] = application,
            ["model"] = "gpt-4o",
            ["provider"] = "openai",
            ["input"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "You answer questions about motor insurance policies." },
                new JsonObject { ["role"] = "user", ["content"] = question }),
            ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = answer }),
            ["parameters"] = new JsonObject { ["temperature"] = "0.2", ["maxTokens"] = 512 },
            ["usage"] = new JsonObject { ["inputTokens"] = 412, ["outputTokens"] = 96 },
            ["latencyMs"] = 1840,
            ["status"] = "ok",
        };
        var sequence = (await client.PostEventsAsync(call))[0];

        await Eventually.WaitUntilAsync(async () =>
        {
            await using var db = portal.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContext();
            return await db.Checkpoints.AnyAsync(c => c.TreeSize > sequence);
        }, $"no checkpoint covered sequence {sequence}");
        return sequence;
    }

    /// <summary>
    /// What a database administrator can do with the SQLite file: drop the append-only triggers and rewrite
    /// one envelope, leaving its leaf hash and the tree as they were. The portal keeps running.
    /// </summary>
    public static async Task EditEnvelopeAsync(this PortalServer portal, long sequence, string from, string to)
    {
        await using var connection = new SqliteConnection($"Data Source={portal.DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        var triggers = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries' AND name <> 'ledger_entries_search_insert'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) triggers.Add(reader.GetString(0));
        }
        foreach (var trigger in triggers)
        {
            await using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP TRIGGER \"{trigger}\"";
            await drop.ExecuteNonQueryAsync();
        }
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT envelope FROM ledger_entries WHERE sequence = $s";
        read.Parameters.AddWithValue("$s", sequence);
        var envelope = Encoding.UTF8.GetString((byte[])(await read.ExecuteScalarAsync())!);
        Assert.Contains(from, envelope);
        await using var write = connection.CreateCommand();
        write.CommandText = "UPDATE ledger_entries SET envelope = $v WHERE sequence = $s";
        write.Parameters.AddWithValue("$v", Encoding.UTF8.GetBytes(envelope.Replace(from, to, StringComparison.Ordinal)));
        write.Parameters.AddWithValue("$s", sequence);
        Assert.Equal(1, await write.ExecuteNonQueryAsync());
    }
}
