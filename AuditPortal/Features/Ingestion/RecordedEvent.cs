using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Ingestion;

/// <summary>
/// An event already in the ledger, as needed to answer a resend: re-rendering the resent event at the
/// recorded position, time and salt must give the stored envelope byte for byte, or it is a different event.
/// </summary>
internal sealed record RecordedEvent(long Sequence, byte[] Envelope, DateTime RecordedAtUtc, byte[]? Salt, byte[] LeafHash, string EventId)
{
    public static async Task<Dictionary<string, RecordedEvent>> LoadAsync(LedgerDbContext db, IReadOnlyCollection<string> ids,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return new(StringComparer.Ordinal);
        var rows = await (
                from entry in db.Entries.AsNoTracking()
                where ids.Contains(entry.EventId)
                join content in db.Contents.AsNoTracking() on entry.Sequence equals content.Sequence into contents
                from content in contents.DefaultIfEmpty()
                select new { entry.Sequence, entry.Envelope, entry.RecordedAt, Salt = content == null ? null : content.Salt, entry.LeafHash, entry.EventId })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.EventId,
            r => new RecordedEvent(r.Sequence, r.Envelope, DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc), r.Salt, r.LeafHash, r.EventId),
            StringComparer.Ordinal);
    }

    /// <summary>An entry appended earlier in the same group commit, not yet committed.</summary>
    public static RecordedEvent From(PendingEntry entry) =>
        new(entry.Sequence, entry.Envelope, entry.RecordedAtUtc, entry.Salt, entry.LeafHash, entry.EventId);

    public bool IsSameEvent(EventDraft resend, out string reason)
    {
        if (Salt is null)
        {
            reason = "and its content has since been purged, so a resend cannot be matched to it";
            return false;
        }
        var rendered = Data.Ledger.Envelope.Render(resend, Sequence, RecordedAtUtc, Data.Ledger.Envelope.Commitment(Salt, resend.Content));
        reason = "with different content or by a different submitter";
        return rendered.AsSpan().SequenceEqual(Envelope);
    }

    public Receipt Receipt(bool duplicate) => new(EventId, Sequence, Convert.ToHexStringLower(LeafHash), duplicate);
}
