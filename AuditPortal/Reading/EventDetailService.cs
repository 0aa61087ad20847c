using System.Globalization;
using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Retention;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Reading;

/// <summary>
/// One event by sequence, for the event page and evidence: its envelope, its content (or that it was
/// purged) and its leaf hash, each checked against the others so the page can show an honest
/// integrity badge. Reading it is an access event.
/// </summary>
public sealed class EventDetailService(IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, IntegrityAlerts alerts,
    TombstoneIndexCache tombstones)
{
    /// <returns>Null when the log has no entry at that sequence.</returns>
    public async Task<EventDetail?> ReadAsync(long sequence, ActorRef reader, string via, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var entry = await db.Entries.AsNoTracking().Where(e => e.Sequence == sequence)
            .Select(e => new { e.Envelope, e.LeafHash }).FirstOrDefaultAsync(cancellationToken);
        await access.RecordAsync(reader, "events.view", new Dictionary<string, string>
        {
            ["sequence"] = sequence.ToString(CultureInfo.InvariantCulture),
            ["found"] = entry is null ? "false" : "true",
            ["via"] = via,
        }, cancellationToken);
        if (entry is null) return null;

        var content = await db.Contents.AsNoTracking().Where(c => c.Sequence == sequence)
            .Select(c => new EventContent(c.Sequence, c.Salt, c.Content)).FirstOrDefaultAsync(cancellationToken);
        var facts = EnvelopeFacts.TryRead(entry.Envelope);
        var problems = new List<string>();
        if (facts is null) problems.Add("the envelope is not readable");
        else if (facts.Sequence != sequence) problems.Add($"the envelope says sequence {facts.Sequence}");
        if (!MerkleHash.Leaf(entry.Envelope).AsSpan().SequenceEqual(entry.LeafHash)) problems.Add("the leaf hash is not the envelope's");
        if (content is not null && !CommitmentMatches(entry.Envelope, content)) problems.Add("the content does not match the envelope's commitment");
        // A purge is legitimate only under a tombstone; verify judges it in full (PurgeAuthority).
        var purgedBy = content is null ? (await tombstones.CurrentAsync(db, cancellationToken)).Covering(sequence) : null;
        if (content is null && purgedBy is null) problems.Add("the content is missing and no retention tombstone covers it");
        foreach (var problem in problems) alerts.Raise(sequence, problem, "events.view");

        return new EventDetail(sequence, entry.Envelope, Convert.ToHexStringLower(entry.LeafHash), facts, content, content is null, problems)
        {
            PurgedBy = purgedBy,
        };
    }

    private static bool CommitmentMatches(byte[] envelope, EventContent content)
    {
        var expected = "\"content\":\"sha256:" + Convert.ToHexStringLower(Envelope.Commitment(content.Salt, content.Content)) + "\"";
        return Encoding.UTF8.GetString(envelope).Contains(expected, StringComparison.Ordinal);
    }
}

/// <param name="Facts">The envelope's fields, or null if its bytes are not readable.</param>
/// <param name="Content">The disclosed content, or null once retention purged it (<paramref name="ContentPurged"/>).</param>
/// <param name="IntegrityProblems">What disagrees within the row (empty when envelope, leaf hash and content agree); verify names the rest.</param>
public sealed record EventDetail(long Sequence, byte[] Envelope, string LeafHash, EnvelopeFacts? Facts, EventContent? Content, bool ContentPurged,
    IReadOnlyList<string> IntegrityProblems)
{
    /// <summary>The tombstone under which the content was purged; null when it was not, or when none covers the missing content.</summary>
    public RetentionTombstone? PurgedBy { get; init; }

    public string EnvelopeText => Encoding.UTF8.GetString(Envelope);
    public string? ContentText => Content is null ? null : Encoding.UTF8.GetString(Content.Content);
}
