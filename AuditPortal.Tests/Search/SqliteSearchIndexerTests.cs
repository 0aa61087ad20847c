using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Search;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Search;

/// <summary>
/// The SQLite text search index follows the log (SqliteSearchIndex): appends leave it alone, the
/// indexer adds the entries above its mark in batches and moves the mark, and the portal runs the
/// indexer after its appends.
/// </summary>
public sealed class SqliteSearchIndexerTests
{
    [Fact]
    public async Task TheIndexerAddsTheEntriesAboveTheMarkInBatchesAndMovesTheMark()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, ct);
        await using var db = ledger.OpenContext();
        await ledger.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
            INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash)
            SELECT i, 'e' || i, 'llm.call', '2026-11-01 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'entry number ' || i, x'00', zeroblob(32)
            FROM n
            """);
        Assert.Equal(0, await SqliteSearchIndexer.IndexedBelowAsync(db, ct));
        Assert.Equal(0, await ledger.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name LIKE 'ledger_search_p%'"));

        Assert.Equal(2000, await SqliteSearchIndexer.IndexNextBatchAsync(db, 2000, ct));
        Assert.Equal(2000, await SqliteSearchIndexer.IndexedBelowAsync(db, ct));
        Assert.Equal(3000, await SqliteSearchIndexer.CatchUpAsync(db, 2000, ct));
        Assert.Equal(0, await SqliteSearchIndexer.IndexNextBatchAsync(db, 2000, ct));

        Assert.Equal(5000, await SqliteSearchIndexer.IndexedBelowAsync(db, ct));
        Assert.Equal(4321, await ledger.ScalarAsync($"SELECT rowid FROM {SqliteSearchIndex.Table(0)} WHERE search_text LIKE '%number 4321%'"));
        Assert.Empty(await SearchIndexCheck.CheckAsync(db, cancellationToken: ct));
    }

    [Fact]
    public async Task EachPartitionHoldsItsOwnRangeAndABatchNeverCrossesIntoTheNext()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, ct);
        await using var db = ledger.OpenContext();
        await ledger.ExecuteAsync("UPDATE ledger_search_state SET partition_size = 1500");
        await ledger.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
            INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash)
            SELECT i, 'e' || i, 'llm.call', '2026-11-01 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'entry number ' || i, x'00', zeroblob(32)
            FROM n
            """);

        // Batches of 1,000 stop at each partition's end: 1000, 500, 1000, 500, 1000, 500, 500.
        var batches = new List<int>();
        for (int added; (added = await SqliteSearchIndexer.IndexNextBatchAsync(db, 1000, ct)) > 0;) batches.Add(added);

        Assert.Equal([1000, 500, 1000, 500, 1000, 500, 500], batches);
        var layout = (await SearchIndexLayout.ReadAsync(db, ct))!;
        Assert.Equal(4, layout.Partitions);
        for (var partition = 0; partition < 4; partition++)
        {
            Assert.Equal(partition * 1500L, await ledger.ScalarAsync($"SELECT min(rowid) FROM {SqliteSearchIndex.Table(partition)} WHERE search_text LIKE '%entry number%'"));
            Assert.Equal(Math.Min(partition * 1500L + 1499, 4999), await ledger.ScalarAsync($"SELECT max(rowid) FROM {SqliteSearchIndex.Table(partition)} WHERE search_text LIKE '%entry number%'"));
        }
        Assert.Empty(await SearchIndexCheck.CheckAsync(db, cancellationToken: ct));
    }

    [Fact]
    public async Task ThePortalIndexesWhatItAppendsAndAppendsDoNotWaitForIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var client = await portal.ClientWithKeyAsync("index-bot", ApiKeyScopes.Ingest);

        await Events.PostAsync(client, [.. Enumerable.Range(0, 20).Select(i => Events.LlmCall($"indexed-call-{i}"))]);

        // Appending no longer writes the index: no trigger is left on ledger_entries but the append-only guards.
        Assert.Equal(0, await ledger.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries' AND name NOT LIKE '%_no_%'"));
        await using var db = ledger.OpenContext();
        var size = await db.Entries.CountAsync(ct);
        await Eventually.WaitUntilAsync(async () => await SqliteSearchIndexer.IndexedBelowAsync(db, ct) >= size, $"the indexer did not reach the log's {size} entries");
        Assert.Equal(size, await SqliteSearchIndexer.IndexedBelowAsync(db, ct));
        Assert.Equal(20, await ledger.ScalarAsync($"SELECT count(*) FROM {SqliteSearchIndex.Table(0)} WHERE search_text LIKE '%indexed-call-%'"));
    }
    [Fact]
    public async Task ThePortalSealsEachPartitionOnceItIsFull()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, ct);
        await ledger.ExecuteAsync("UPDATE ledger_search_state SET partition_size = 10");
        await using var portal = new PortalFactory(ledger);
        var client = await portal.ClientWithKeyAsync("seal-bot", ApiKeyScopes.Ingest);

        // The key's event and 24 calls: partitions 0 and 1 are full, 2 is open.
        await Events.PostAsync(client, [.. Enumerable.Range(0, 24).Select(i => Events.LlmCall($"sealed-call-{i}"))]);

        await Eventually.WaitUntilAsync(async () => await ledger.ScalarAsync($"SELECT count(*) FROM {SqliteSearchIndex.SealsTable}") == 2,
            "the portal did not seal the two full partitions");
        Assert.Equal(0, await ledger.ScalarAsync($"SELECT count(*) FROM {SqliteSearchIndex.SealsTable} WHERE partition > 1"));
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, $"a ledger with sealed partitions must verify: {result.FirstFailure}");
    }
}
