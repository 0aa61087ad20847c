using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// The text search index is derived from the envelopes. Editing it hides an event from a search (or
/// makes one turn up) without touching the signed chain, so verify checks it in a stage of its own
/// and names it.
/// </summary>
public abstract class SearchIndexTamperTests(LedgerProvider provider) : IAsyncLifetime
{
    protected const long Target = 25;
    protected TestLedger Ledger { get; private set; } = null!;
    protected Attacker Attacker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await FilledLedger.CreateAsync(provider);
        Attacker = new Attacker(Ledger);
        var clean = await Ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<IReadOnlyList<VerificationFailure>> SearchIndexFailuresAsync()
    {
        var result = await Ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a ledger whose search index was edited");
        // The chain itself is untouched: every failure is the search index's.
        Assert.All(result.Failures, f => Assert.Equal(FailureKind.SearchIndex, f.Kind));
        return result.Failures;
    }

    [Fact]
    public async Task EditedSearchTextIsNamed()
    {
        await AllowUpdatesAsync();
        Assert.Equal(1, await Attacker.ExecuteAsync($"UPDATE ledger_entries SET search_text = 'nothing to see here' WHERE sequence = {Target}"));

        var failures = await SearchIndexFailuresAsync();

        var edited = Assert.Single(failures, f => f.Sequence is not null);
        Assert.Equal(Target, edited.Sequence);
        Assert.Contains("search text", edited.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchTextInTheOrderAClientSentItsFieldsStillVerifies()
    {
        // Ledgers written before search text followed canonical key order hold the same values in
        // request order; that is not tampering. Simulated by reversing one entry's values.
        await AllowUpdatesAsync();
        var stored = await SearchTextAsync(Target);
        var reordered = string.Join('\n', stored.Split('\n').Reverse());
        Assert.NotEqual(stored, reordered);
        await WriteSearchTextAsync(Target, reordered);

        var result = await Ledger.VerifyAsync();

        Assert.True(result.Intact, $"reordered values were reported: {result.FirstFailure}");
    }

    [Fact]
    public async Task OneValueChangedAmongReorderedOnesIsNamed()
    {
        await AllowUpdatesAsync();
        var values = (await SearchTextAsync(Target)).Split('\n').Reverse().ToArray();
        values[0] = "x" + values[0][1..];
        await WriteSearchTextAsync(Target, string.Join('\n', values));

        var failures = await SearchIndexFailuresAsync();

        Assert.Equal(Target, Assert.Single(failures, f => f.Sequence is not null).Sequence);
    }

    /// <summary>Lifts only the append-only guard: on SQLite the index's insert trigger stays.</summary>
    private async Task AllowUpdatesAsync()
    {
        if (provider == LedgerProvider.Sqlite) await Attacker.ExecuteAsync("DROP TRIGGER ledger_entries_no_update");
        else await Attacker.DisableTriggersAsync();
    }

    private async Task<string> SearchTextAsync(long sequence)
    {
        await using var connection = Ledger.OpenConnection();
        await using var read = Attacker.Command(connection, "SELECT search_text FROM ledger_entries WHERE sequence = @s", ("s", sequence));
        return (string)(await read.ExecuteScalarAsync())!;
    }

    private async Task WriteSearchTextAsync(long sequence, string text)
    {
        await using var connection = Ledger.OpenConnection();
        await using var write = Attacker.Command(connection, "UPDATE ledger_entries SET search_text = @t WHERE sequence = @s", ("t", text), ("s", sequence));
        Assert.Equal(1, await write.ExecuteNonQueryAsync());
        // As the migration did for such ledgers: the FTS5 index built from the stored text.
        if (provider == LedgerProvider.Sqlite) await Attacker.ExecuteAsync("INSERT INTO ledger_search(ledger_search) VALUES ('rebuild')");
    }
}

public sealed class SqliteSearchIndexTamperTests() : SearchIndexTamperTests(LedgerProvider.Sqlite)
{
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

[Collection("postgres")]
public sealed class PostgresSearchIndexTamperTests() : SearchIndexTamperTests(LedgerProvider.Postgres);
