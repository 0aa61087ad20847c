using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>Every enforcement batch the ledger holds, newest first: its tombstone, what authorised it and the sequences it purged.</summary>
public sealed class RetentionHistory(IDbContextFactory<LedgerDbContext> factory)
{
    public async Task<IReadOnlyList<RetentionTombstone>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var submitter = PortalAccount.Recorder.Id;
        var envelopes = await db.Entries.AsNoTracking()
            .Where(e => e.Type == RetentionLedger.AppliedType && e.SubmittedBy == submitter)
            .OrderByDescending(e => e.Sequence).Take(limit).Select(e => e.Envelope).ToListAsync(cancellationToken);
        return [.. envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>().Select(RetentionTombstone.From).OfType<RetentionTombstone>()];
    }
}
