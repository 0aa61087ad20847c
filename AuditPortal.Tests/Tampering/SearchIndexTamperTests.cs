using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// The SQLite text search index (FTS5) is derived from the search text, which verify checks against
/// each envelope with the other copy columns. It follows the log up to a high-water mark
/// (SqliteSearchIndex). Editing the index, its mark or the view it is checked against hides an event
/// from a search (or makes one turn up) without touching the signed chain or the search text, so
/// verify checks them in a stage of its own and names them. (PostgreSQL's trigram index is the
/// server's own, built from search_text.)
/// </summary>
public sealed class SqliteSearchIndexTamperTests : IAsyncLifetime
{
    private const long Target = 25;
    private TestLedger Ledger { get; set; } = null!;
    private Attacker Attacker { get; set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        Attacker = new Attacker(Ledger);
        await using (var db = Ledger.OpenContext()) await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: TestContext.Current.CancellationToken);
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
        Ledger.ScalarAsync($"SELECT count(*) FROM ledger_search WHERE search_text LIKE '%{text}%' AND rowid = {sequence}");

    [Fact]
    public async Task AnEntryRemovedFromTheIndexBelowTheMarkIsNamed()
    {
        // FTS5's own command for taking a row's tokens out of an external-content index: the row stays,
        // the envelope and its hashes are untouched, but no text search finds it any more.
        await Attacker.ExecuteAsync(
            $"INSERT INTO ledger_search(ledger_search, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        Assert.Equal(0, await IndexedAsync(Target, "question"));

        var failure = await SearchIndexFailureAsync();
        Assert.Contains("does not hold exactly the search text of the entries below its high-water mark", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexRowChangedBelowTheMarkIsNamed()
    {
        // The row's tokens replaced by other text: a search for its words misses it, one for "hidden" finds it.
        await Attacker.ExecuteAsync(
            $"INSERT INTO ledger_search(ledger_search, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        await Attacker.ExecuteAsync($"INSERT INTO ledger_search(rowid, search_text) VALUES ({Target}, 'hidden from view')");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains(SqliteSearchIndex.Table, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexRowAddedIsNamed()
    {
        // Tokens for an entry that does not exist (yet): the index holds a row its source does not.
        await Attacker.ExecuteAsync($"INSERT INTO ledger_search(rowid, search_text) VALUES ({FilledLedger.Size + 5}, 'planted text')");

        var failure = await SearchIndexFailureAsync();
        Assert.Contains(SqliteSearchIndex.Table, failure.Reason, StringComparison.Ordinal);
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
        await Attacker.ExecuteAsync("DROP VIEW ledger_search_source");
        await Attacker.ExecuteAsync($"CREATE VIEW ledger_search_source AS SELECT sequence, search_text FROM ledger_entries WHERE sequence < (SELECT indexed_below FROM ledger_search_state WHERE id = 1) AND sequence <> {Target}");
        await Attacker.ExecuteAsync($"INSERT INTO ledger_search(ledger_search, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        await Attacker.ExecuteAsync(SqliteSearchIndex.IntegrityCheck);

        var failure = await SearchIndexFailureAsync();
        Assert.Contains("ledger_search_source is redefined", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADroppedMarkIsNamed()
    {
        await Attacker.ExecuteAsync("DROP VIEW ledger_search_source");
        await Attacker.ExecuteAsync("DROP TABLE ledger_search_state");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains("ledger_search_state is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARedefinedMarkTableIsNamed()
    {
        // The same mark in a table without its checks: a second row or a negative mark would then be accepted.
        await Attacker.ExecuteAsync("CREATE TABLE mark_copy AS SELECT * FROM ledger_search_state");
        await Attacker.ExecuteAsync("DROP VIEW ledger_search_source");
        await Attacker.ExecuteAsync("DROP TABLE ledger_search_state");
        await Attacker.ExecuteAsync("CREATE TABLE ledger_search_state (id INTEGER PRIMARY KEY, indexed_below INTEGER)");
        await Attacker.ExecuteAsync("INSERT INTO ledger_search_state SELECT * FROM mark_copy");
        await Attacker.ExecuteAsync(SqliteSearchIndex.SourceViewDefinition);

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains("ledger_search_state is redefined", StringComparison.Ordinal));
    }
}
