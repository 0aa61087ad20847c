using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Overview;

/// <summary>The ledger's head in two indexed look-ups (largest seal, newest checkpoint): cheap at any size.</summary>
public sealed class LedgerSummary(IDbContextFactory<LedgerDbContext> factory, TimeProvider time)
{
    public async Task<LedgerHead> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var size = await TreeReader.TreeSizeAsync(db, cancellationToken);
        var latest = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .Select(c => new { c.TreeSize, c.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        var createdAt = latest is null ? (DateTime?)null : DateTime.SpecifyKind(latest.CreatedAt, DateTimeKind.Utc);
        return new LedgerHead(size, latest?.TreeSize, createdAt, createdAt is { } at ? time.GetUtcNow().UtcDateTime - at : null);
    }
}

/// <param name="Events">Entries in the ledger (its tree size).</param>
/// <param name="CheckpointAge">How long ago the latest checkpoint was signed.</param>
public sealed record LedgerHead(long Events, long? CheckpointSize, DateTime? CheckpointCreatedAt, TimeSpan? CheckpointAge)
{
    public long Unchecked => Events - (CheckpointSize ?? 0);
}
