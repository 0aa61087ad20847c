using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>Every enforcement batch the ledger holds, newest first: its tombstone, what authorised it and the sequences it purged.</summary>
public sealed class RetentionHistory(IDbContextFactory<LedgerDbContext> factory)
{
    public async Task<IReadOnlyList<RetentionTombstone>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await RetentionTombstones.NewestAsync(db, limit, cancellationToken);
    }
}
