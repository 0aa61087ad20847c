using AuditPortal.Data.Search;

namespace AuditPortal.Tests.Search;

/// <summary>
/// Text search partitions of a few entries, so that a test ledger has full (sealable) partitions: drops
/// whatever index the portal built and indexes the ledger again in partitions of the given size, unsealed.
/// </summary>
public static class SmallSearchPartitions
{
    /// <param name="beforeIndexing">Runs once the old index is gone, before the new one is built.</param>
    public static async Task ReindexAsync(TestLedger ledger, long partitionSize, CancellationToken cancellationToken, Func<Task>? beforeIndexing = null)
    {
        await using var db = ledger.OpenContext();
        await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: cancellationToken);
        var layout = (await SearchIndexLayout.ReadAsync(db, cancellationToken))!;
        for (var partition = 0L; partition < layout.Partitions; partition++)
        {
            await ledger.ExecuteAsync($"DROP TABLE {SqliteSearchIndex.Table(partition)}");
            await ledger.ExecuteAsync($"DROP VIEW {SqliteSearchIndex.SourceView(partition)}");
        }
        await ledger.ExecuteAsync($"DELETE FROM {SqliteSearchIndex.SealsTable}");
        await ledger.ExecuteAsync($"UPDATE {SqliteSearchIndex.StateTable} SET indexed_below = 0, partition_size = {partitionSize}");
        if (beforeIndexing is not null) await beforeIndexing();
        await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: cancellationToken);
    }
}
