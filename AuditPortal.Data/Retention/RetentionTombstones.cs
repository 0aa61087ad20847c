using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Retention;

/// <summary>The tombstones the portal wrote, read from their envelopes (found by the verified type and submitter columns).</summary>
public static class RetentionTombstones
{
    /// <summary>Newest first, up to <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<RetentionTombstone>> NewestAsync(LedgerDbContext db, int limit, CancellationToken cancellationToken)
    {
        var envelopes = await Query(db).OrderByDescending(e => e.Sequence).Take(limit).Select(e => e.Envelope).ToListAsync(cancellationToken);
        return Read(envelopes);
    }

    /// <summary>
    /// The tombstones appended after <paramref name="sequence"/>, each with its sequence (the tombstone is
    /// null for a malformed one), in sequence order: what <see cref="TombstoneIndexCache"/> has not read yet.
    /// </summary>
    public static async Task<IReadOnlyList<(long Sequence, RetentionTombstone? Tombstone)>> AfterAsync(LedgerDbContext db, long sequence,
        CancellationToken cancellationToken)
    {
        var rows = await Query(db).Where(e => e.Sequence > sequence).OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Envelope }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Sequence, ProjectedEvent.TryRead(r.Envelope) is { } e ? RetentionTombstone.From(e) : null))];
    }

    /// <summary>
    /// The tombstones after <paramref name="sequence"/>, indexed: only a tombstone after an event can
    /// cover it, so this answers for every event from that sequence on with one query.
    /// </summary>
    public static async Task<TombstoneIndex> IndexAfterAsync(LedgerDbContext db, long sequence, CancellationToken cancellationToken)
    {
        var envelopes = await Query(db).Where(e => e.Sequence > sequence).Select(e => e.Envelope).ToListAsync(cancellationToken);
        return new TombstoneIndex(Read(envelopes));
    }

    private static IQueryable<Ledger.Model.LedgerEntry> Query(LedgerDbContext db)
    {
        var submitter = PortalAccount.Recorder.Id;
        return db.Entries.AsNoTracking().Where(e => e.Type == RetentionLedger.AppliedType && e.SubmittedBy == submitter);
    }

    private static List<RetentionTombstone> Read(IEnumerable<byte[]> envelopes) =>
        [.. envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>().Select(RetentionTombstone.From).OfType<RetentionTombstone>()];
}
