using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger.Writing;

/// <summary>
/// An event already in the ledger, as needed to answer a resend: re-rendering the resent event at the
/// recorded position, time and salt must give the stored envelope byte for byte, or it is a different event.
/// </summary>
internal sealed record RecordedEvent(long Sequence, byte[] Envelope, DateTime RecordedAtUtc, byte[]? Salt, byte[] LeafHash, string EventId)
{
    /// <summary>
    /// The recorded events each submitter already holds under the given ids. Ids are scoped to their
    /// submitter: another service's event with the same id is not looked at, so it can neither block
    /// nor be revealed.
    /// </summary>
    public static async Task<Dictionary<(string SubmittedBy, string EventId), RecordedEvent>> LoadAsync(LedgerDbContext db,
        IEnumerable<(string SubmittedBy, string EventId)> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string), RecordedEvent>();
        // One query per submitter (a group commit rarely mixes more than a few), each an index seek on
        // (event_id, submitted_by).
        foreach (var bySubmitter in keys.Distinct().GroupBy(k => k.SubmittedBy, StringComparer.Ordinal))
        {
            var submitter = bySubmitter.Key;
            var ids = bySubmitter.Select(k => k.EventId).ToList();
            var rows = await (
                    from entry in db.Entries.AsNoTracking()
                    where entry.SubmittedBy == submitter && ids.Contains(entry.EventId)
                    join content in db.Contents.AsNoTracking() on entry.Sequence equals content.Sequence into contents
                    from content in contents.DefaultIfEmpty()
                    select new { entry.Sequence, entry.Envelope, entry.RecordedAt, Salt = content == null ? null : content.Salt, entry.LeafHash, entry.EventId })
                .ToListAsync(cancellationToken);
            foreach (var r in rows)
                found[(submitter, r.EventId)] =
                    new RecordedEvent(r.Sequence, r.Envelope, DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc), r.Salt, r.LeafHash, r.EventId);
        }
        return found;
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
        reason = "with different content";
        return rendered.AsSpan().SequenceEqual(Envelope);
    }

    public Receipt Receipt(bool duplicate) => new(EventId, Sequence, Convert.ToHexStringLower(LeafHash), duplicate);
}
