using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>
/// On SQLite, EventQuery.ApplyAsync counts the text index's candidates first: rare text is read from
/// the FTS5 index, text common enough to fill a page quickly is tested on the newest-first walk.
/// Both ways give the same rows.
/// </summary>
public sealed class SqliteTextSearchChoiceTests : IAsyncLifetime
{
    private const int Rows = EventQuery.TextIndexCandidateLimit + 500;
    private const int PartitionSize = 4_000;
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, ct);
        // Index rows only (the chain is not what this is about): every row says "common", one in a
        // thousand also "rare-word"; the indexer then brings the FTS5 index up to them, as the portal's does.
        await _ledger.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash)
            SELECT i, 'e' || i, 'llm.call', printf('2026-11-%02d 10:00:00', 1 + i % 28), '2026-11-30 00:00:00', 'alice', 'user', 'bot',
                   'common text ' || CASE WHEN i % 1000 = 0 THEN 'rare-word 50%_off ' ELSE '' END || i, x'00', zeroblob(32)
            FROM n
            """);
        // Partitions of 4,000 entries, so that candidates come from three of them and the walk above the mark.
        await _ledger.ExecuteAsync($"UPDATE ledger_search_state SET partition_size = {PartitionSize}");
        await using var db = _ledger.OpenContext();
        await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: ct);
        Assert.Equal(3, (await SearchIndexLayout.ReadAsync(db, ct))!.Partitions);
    }

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Theory]
    [InlineData("rare-word", true)]
    [InlineData("50%_off", true)]
    [InlineData("common", false)]
    [InlineData("on", false)] // under three characters: nothing for the trigram index to look up
    public async Task TheIndexIsUsedOnlyWhenItNarrowsTheRowsEnough(string text, bool usesIndex)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        var query = new EventQuery { Text = text };

        var sql = (await query.ApplyAsync(db, ct)).ToQueryString();

        Assert.Equal(usesIndex, sql.Contains("ledger_search", StringComparison.Ordinal));
        var expected = await query.Apply(db).Select(e => e.Sequence).ToListAsync(ct);
        Assert.Equal(expected, await (await query.ApplyAsync(db, ct)).Select(e => e.Sequence).ToListAsync(ct));
        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task TheIndexFindsTheSameRowsAsTheExactMatchEvenWithWildcardCharacters()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        await _ledger.ExecuteAsync($"INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash) " +
                                   $"VALUES ({Rows + 1}, 'x', 'llm.call', '2026-11-29 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'rare-word 50xyoff', x'00', zeroblob(32))");
        var query = new EventQuery { Text = "50%_off" };

        var viaIndex = await query.Apply(db, await SearchIndexLayout.ReadAsync(db, ct)).Select(e => e.Sequence).ToListAsync(ct);

        // "50xyoff" is a candidate (% and _ are wildcards to FTS5) but not a match.
        Assert.DoesNotContain(Rows + 1L, viaIndex);
        Assert.Equal(Rows / 1000, viaIndex.Count);
    }

    [Fact]
    public async Task AnEntryTheIndexerHasNotReachedIsFoundToo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        await _ledger.ExecuteAsync($"INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash) " +
                                   $"VALUES ({Rows + 1}, 'x', 'llm.call', '2026-11-29 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'rare-word fresh', x'00', zeroblob(32))");
        Assert.Equal(Rows + 1, await SqliteSearchIndexer.IndexedBelowAsync(db, ct));
        var query = new EventQuery { Text = "rare-word" };

        var sql = (await query.ApplyAsync(db, ct)).ToQueryString();
        var found = await (await query.ApplyAsync(db, ct)).Select(e => e.Sequence).ToListAsync(ct);

        // The index answers for the rows below its mark, the walk above it adds the fresh one.
        Assert.Contains("ledger_search", sql, StringComparison.Ordinal);
        Assert.Equal(Rows + 1L, found[0]);
        Assert.Equal(Rows / 1000 + 1, found.Count);
    }
}
