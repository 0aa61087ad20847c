using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// The SQLite text search index (FTS5) is derived from the search text, which verify checks against
/// each envelope with the other copy columns. It follows the log up to a high-water mark, in partitions
/// (SqliteSearchIndex). Editing a partition, the mark or the view a partition is checked against hides
/// an event from a search (or makes one turn up) without touching the signed chain or the search text,
/// so verify checks them in a stage of its own and names them. Here the index is rebuilt in partitions
/// of 20 entries, so the 61 entries fill four and the target sits in the second. (PostgreSQL's trigram
/// index is the server's own, built from search_text.)
/// </summary>
public sealed class SqliteSearchIndexTamperTests : IAsyncLifetime
{
    private const long Target = 25;
    private const long PartitionSize = 20;
    private static readonly string TargetPartition = SqliteSearchIndex.Table(Target / PartitionSize);
    private TestLedger Ledger { get; set; } = null!;
    private Attacker Attacker { get; set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        Attacker = new Attacker(Ledger);
        await using (var db = Ledger.OpenContext())
        {
            await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: TestContext.Current.CancellationToken);
            await Ledger.ExecuteAsync($"DROP TABLE {SqliteSearchIndex.Table(0)}");
            await Ledger.ExecuteAsync($"DROP VIEW {SqliteSearchIndex.SourceView(0)}");
            await Ledger.ExecuteAsync($"UPDATE ledger_search_state SET indexed_below = 0, partition_size = {PartitionSize}");
            await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(4, (await SearchIndexLayout.ReadAsync(db, TestContext.Current.CancellationToken))!.Partitions);
        }
        Assert.Equal(FilledLedger.Size, await Ledger.ScalarAsync("SELECT indexed_below FROM ledger_search_state"));
        var clean = await Ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<VerificationFailure> SearchIndexFailureAsync()
    {
        var result = await Ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a ledger whose search index was edited");
        // The chain itself is untouched: the failure is the search index's.
        return Assert.Single(result.Failures, f => f.Kind == FailureKind.SearchIndex);
    }

    private Task<long> IndexedAsync(long sequence, string text) =>
        Ledger.ScalarAsync($"SELECT count(*) FROM {TargetPartition} WHERE search_text LIKE '%{text}%' AND rowid = {sequence}");

    [Fact]
    public async Task AnEntryRemovedFromTheIndexBelowTheMarkIsNamed()
    {
        // FTS5's own command for taking a row's tokens out of an external-content index: the row stays,
        // the envelope and its hashes are untouched, but no text search finds it any more.
        Assert.Equal(1, await IndexedAsync(Target, "call-2-4"));
        await Attacker.ExecuteAsync(
            $"INSERT INTO {TargetPartition}({TargetPartition}, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        Assert.Equal(0, await IndexedAsync(Target, "call-2-4"));

        var failure = await SearchIndexFailureAsync();
        Assert.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39) does not hold exactly the search text of its entries below the high-water mark",
            failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexRowChangedBelowTheMarkIsNamed()
    {
        // The row's tokens replaced by other text: a search for its words misses it, one for "hidden" finds it.
        await Attacker.ExecuteAsync(
            $"INSERT INTO {TargetPartition}({TargetPartition}, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        await Attacker.ExecuteAsync($"INSERT INTO {TargetPartition}(rowid, search_text) VALUES ({Target}, 'hidden from view')");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains(TargetPartition, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexRowAddedIsNamed()
    {
        // Tokens for an entry that does not exist (yet): the index holds a row its source does not.
        var last = SqliteSearchIndex.Table(3);
        await Attacker.ExecuteAsync($"INSERT INTO {last}(rowid, search_text) VALUES ({FilledLedger.Size + 5}, 'planted text')");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains(last, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEntryIndexedInAnotherPartitionIsNamed()
    {
        // The entry's tokens moved to the first partition: a search across all partitions still finds
        // it, but each partition must hold exactly its own entries, so both are named.
        await Attacker.ExecuteAsync(
            $"INSERT INTO {TargetPartition}({TargetPartition}, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        await Attacker.ExecuteAsync($"INSERT INTO {SqliteSearchIndex.Table(0)}(rowid, search_text) SELECT sequence, search_text FROM ledger_entries WHERE sequence = {Target}");

        var result = await Ledger.VerifyAsync();

        Assert.False(result.Intact);
        var named = result.Failures.Where(f => f.Kind == FailureKind.SearchIndex).Select(f => f.Reason).ToList();
        Assert.Equal(2, named.Count);
        Assert.Contains(named, reason => reason.Contains($"partition 0 ({SqliteSearchIndex.Table(0)}", StringComparison.Ordinal));
        Assert.Contains(named, reason => reason.Contains($"partition 1 ({TargetPartition}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADroppedPartitionIsNamed()
    {
        await Attacker.ExecuteAsync($"DROP TABLE {SqliteSearchIndex.Table(2)}");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains($"{SqliteSearchIndex.Table(2)} is missing", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangedPartitionSizeIsNamed()
    {
        // Partitions of 30 would ask other tables for other ranges; the ones there were built for 20.
        await Attacker.ExecuteAsync("UPDATE ledger_search_state SET partition_size = 30");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex
            && f.Reason.Contains($"{SqliteSearchIndex.SourceView(0)} is redefined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMarkBeyondTheLogIsNamed()
    {
        // Every entry is indexed, so the index still matches its source; but the next entries appended
        // would count as indexed without being so, and no text search would find them.
        await Attacker.ExecuteAsync($"UPDATE ledger_search_state SET indexed_below = {FilledLedger.Size + 1000}");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains($"indexed_below = {FilledLedger.Size + 1000}) is beyond the log's {FilledLedger.Size} entries (mark edited", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedefinedSourceViewIsNamed()
    {
        // The careful version of the first attack: the view the index is checked against leaves the
        // entry out too, so FTS5's own check passes.
        var view = SqliteSearchIndex.SourceView(1);
        await Attacker.ExecuteAsync($"DROP VIEW {view}");
        await Attacker.ExecuteAsync($"{SqliteSearchIndex.SourceViewDefinition(1, PartitionSize)} AND sequence <> {Target}");
        await Attacker.ExecuteAsync(
            $"INSERT INTO {TargetPartition}({TargetPartition}, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        await Attacker.ExecuteAsync(SqliteSearchIndex.IntegrityCheck(1));

        var failure = await SearchIndexFailureAsync();
        Assert.Contains($"{view} is redefined", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADroppedMarkIsNamed()
    {
        await Attacker.ExecuteAsync("DROP TABLE ledger_search_state");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains("ledger_search_state is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARedefinedMarkTableIsNamed()
    {
        // The same mark in a table without its checks: a second row or a negative mark would then be accepted.
        await Attacker.ExecuteAsync("CREATE TABLE mark_copy AS SELECT * FROM ledger_search_state");
        await Attacker.ExecuteAsync("DROP TABLE ledger_search_state");
        await Attacker.ExecuteAsync("CREATE TABLE ledger_search_state (id INTEGER PRIMARY KEY, indexed_below INTEGER, partition_size INTEGER)");
        await Attacker.ExecuteAsync("INSERT INTO ledger_search_state SELECT * FROM mark_copy");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains("ledger_search_state is redefined", StringComparison.Ordinal));
    }
}
