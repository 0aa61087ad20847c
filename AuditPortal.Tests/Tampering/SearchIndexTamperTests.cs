using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// The SQLite text search index (FTS5) is derived from the search text, which verify checks against
/// each envelope with the other copy columns. Editing the index hides an event from a search (or makes
/// one turn up) without touching the signed chain or the search text, so verify checks it in a stage
/// of its own and names it. (PostgreSQL's trigram index is the server's own, built from search_text.)
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
        var clean = await Ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<IReadOnlyList<VerificationFailure>> SearchIndexFailuresAsync()
    {
        var result = await Ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a ledger whose search index was edited");
        // The chain itself is untouched: every failure is the search index's.
        Assert.All(result.Failures, f => Assert.Equal(FailureKind.SearchIndex, f.Kind));
        return result.Failures;
    }

    [Fact]
    public async Task AnEntryRemovedFromTheFullTextIndexIsNamed()
    {
        // FTS5's own command for taking a row's tokens out of an external-content index: the row stays,
        // the envelope and its hashes are untouched, but no text search finds it any more.
        await Attacker.ExecuteAsync(
            $"INSERT INTO ledger_search(ledger_search, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");
        Assert.Equal(0, await Ledger.ScalarAsync($"SELECT count(*) FROM ledger_search WHERE search_text LIKE '%question%' AND rowid = {Target}"));

        var failure = Assert.Single(await SearchIndexFailuresAsync());
        Assert.Contains("ledger_search", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADroppedIndexTriggerIsNamed()
    {
        // Without it, later events would never reach the text search.
        await Attacker.ExecuteAsync("DROP TRIGGER ledger_entries_search_insert");

        var failure = Assert.Single(await SearchIndexFailuresAsync());
        Assert.Contains("ledger_entries_search_insert", failure.Reason, StringComparison.Ordinal);
    }
}
