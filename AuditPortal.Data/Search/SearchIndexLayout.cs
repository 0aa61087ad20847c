using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Search;

/// <summary>
/// What the SQLite text search index holds (<see cref="SqliteSearchIndex"/>): the entries below
/// <see cref="IndexedBelow"/>, in partitions of <see cref="PartitionSize"/> sequences.
/// </summary>
public sealed record SearchIndexLayout
{
    public long IndexedBelow { get; init; }
    public long PartitionSize { get; init; }

    /// <summary>The partitions that hold entries, 0 to <c>Partitions - 1</c>.</summary>
    public long Partitions => PartitionSize > 0 ? SqliteSearchIndex.PartitionsBelow(IndexedBelow, PartitionSize) : 0;

    /// <summary>Null where there is no SQLite search index.</summary>
    public static async Task<SearchIndexLayout?> ReadAsync(LedgerDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Provider != LedgerProvider.Sqlite) return null;
        return await db.Database
            // The context's naming convention maps the properties to these column names.
            .SqlQueryRaw<SearchIndexLayout>($"SELECT indexed_below, partition_size FROM {SqliteSearchIndex.StateTable} WHERE id = 1")
            .SingleAsync(cancellationToken);
    }
}
