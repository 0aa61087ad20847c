using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Search;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// Full SQLite text search partitions are sealed by the portal (SqliteSearchIndexSealer) and verify
/// checks them by the seal: the signature, the hash of their FTS5 tables and the hash of their entries'
/// search text, instead of re-tokenising them. Each way around a seal is named. The 61 entries are
/// indexed in partitions of 20: 0–2 full and sealed with the ledger's key, 3 open (checked by FTS5).
/// </summary>
public sealed class SealedSearchIndexTamperTests : IAsyncLifetime
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
        await RebuildAndSealAsync();
        var clean = await Ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Drops the index the filling portal built, indexes again in partitions of 20 and seals the full ones.</summary>
    private async Task RebuildAndSealAsync(Func<Task>? beforeIndexing = null)
    {
        var ct = TestContext.Current.CancellationToken;
        await SmallSearchPartitions.ReindexAsync(Ledger, PartitionSize, ct, beforeIndexing);
        await using var db = Ledger.OpenContext();
        using var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(Ledger.KeyFile, ct));
        Assert.Equal(3, await SqliteSearchIndexSealer.SealAllAsync(db, signer, ct));
    }

    private async Task<string> SearchIndexFailureAsync()
    {
        var result = await Ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a ledger whose sealed search index was tampered with");
        return Assert.Single(result.Failures, f => f.Kind == FailureKind.SearchIndex).Reason;
    }

    private Task RemoveTargetFromItsPartitionAsync() => Attacker.ExecuteAsync(
        $"INSERT INTO {TargetPartition}({TargetPartition}, rowid, search_text) SELECT 'delete', sequence, search_text FROM ledger_entries WHERE sequence = {Target}");

    [Fact]
    public async Task AnEntryRemovedFromASealedPartitionIsNamedByTheIndexHash()
    {
        await RemoveTargetFromItsPartitionAsync();

        var reason = await SearchIndexFailureAsync();
        Assert.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39): its FTS5 tables are not what the portal sealed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchTextEditedBeforeTheSealAndPutBackIsNamed()
    {
        // The index is built and checked from the edited text, so the portal seals it; the text is put
        // back afterwards, so it matches its envelope again. The index still lacks the real text.
        await Attacker.DisableTriggersAsync();
        var original = await Ledger.ScalarTextAsync($"SELECT search_text FROM ledger_entries WHERE sequence = {Target}");
        await RebuildAndSealAsync(() => Attacker.SetAsync("ledger_entries", "search_text", Target, "nothing to see"));
        await Attacker.SetAsync("ledger_entries", "search_text", Target, original);

        var reason = await SearchIndexFailureAsync();
        Assert.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39): its entries' search text is not the text the partition was sealed with", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditedSealIsNamedByItsSignature()
    {
        // The attacker reseals the edited partition with the right hashes, but cannot sign them.
        await RemoveTargetFromItsPartitionAsync();
        await using (var connection = Ledger.OpenConnection())
        await using (var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync())
        {
            var index = await SearchIndexHashes.IndexHashAsync((Microsoft.Data.Sqlite.SqliteConnection)connection, transaction, 1, CancellationToken.None);
            await using var update = Attacker.Command(connection, $"UPDATE {SqliteSearchIndex.SealsTable} SET index_hash = $hash WHERE partition = 1", ("$hash", index));
            update.Transaction = transaction;
            await update.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        var reason = await SearchIndexFailureAsync();
        Assert.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39): its seal (ledger_search_seals) has a signature that does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASealMovedToAnotherPartitionIsNamed()
    {
        // Partition 2's seal is genuine, but it signs partition 2's range.
        await RemoveTargetFromItsPartitionAsync();
        await Attacker.ExecuteAsync($"DELETE FROM {SqliteSearchIndex.SealsTable} WHERE partition = 1");
        await Attacker.ExecuteAsync($"UPDATE {SqliteSearchIndex.SealsTable} SET partition = 1 WHERE partition = 2");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex
            && f.Reason.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39): its seal (ledger_search_seals) has a signature that does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASealByAnotherKeyIsNamed()
    {
        // The attacker's own key, under the ledger's name: seals that verify, by a key nobody trusts.
        using var other = NoteSigner.Generate(Ledger.Origin);
        await Ledger.ExecuteAsync($"DELETE FROM {SqliteSearchIndex.SealsTable}");
        await using (var db = Ledger.OpenContext()) Assert.Equal(3, await SqliteSearchIndexSealer.SealAllAsync(db, other, TestContext.Current.CancellationToken));

        var result = await Ledger.VerifyAsync();

        Assert.Equal(3, result.Failures.Count(f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains($"is signed by key id {other.KeyId:x8}, which is not trusted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WithItsSealDeletedAPartitionIsCheckedByFts5()
    {
        await Attacker.ExecuteAsync($"DELETE FROM {SqliteSearchIndex.SealsTable} WHERE partition = 1");
        Assert.True((await Ledger.VerifyAsync()).Intact, "an unsealed partition that holds its entries is intact");

        await RemoveTargetFromItsPartitionAsync();

        var reason = await SearchIndexFailureAsync();
        Assert.Contains($"partition 1 ({TargetPartition}, sequences 20 to 39) does not hold exactly the search text of its entries", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASealedPartitionsTableSwappedForAViewIsNamed()
    {
        // The rows the seal hashed, served by a view: the hash still matches, the shape does not.
        var data = $"{TargetPartition}_data";
        await Attacker.ExecuteAsync($"CREATE TABLE kept AS SELECT * FROM {data}");
        await Attacker.ExecuteAsync($"DROP TABLE {data}");
        await Attacker.ExecuteAsync($"CREATE VIEW {data} AS SELECT * FROM kept");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains($"{data} is redefined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARedefinedSealTableIsNamed()
    {
        await Attacker.ExecuteAsync($"ALTER TABLE {SqliteSearchIndex.SealsTable} ADD COLUMN note TEXT");

        var result = await Ledger.VerifyAsync();

        Assert.Contains(result.Failures, f => f.Kind == FailureKind.SearchIndex && f.Reason.Contains("ledger_search_seals is redefined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePortalDoesNotSealAPartitionThatFailsItsCheck()
    {
        await Ledger.ExecuteAsync($"DELETE FROM {SqliteSearchIndex.SealsTable} WHERE partition = 1");
        await RemoveTargetFromItsPartitionAsync();
        using var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(Ledger.KeyFile, TestContext.Current.CancellationToken));
        await using var db = Ledger.OpenContext();

        var refused = await Assert.ThrowsAsync<SearchIndexSealRefusedException>(() => SqliteSearchIndexSealer.SealNextAsync(db, signer, TestContext.Current.CancellationToken));

        Assert.Contains($"partition 1 ({TargetPartition}) does not hold exactly its entries' search text", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Ledger.ScalarAsync($"SELECT count(*) FROM {SqliteSearchIndex.SealsTable} WHERE partition = 1"));
    }
}
