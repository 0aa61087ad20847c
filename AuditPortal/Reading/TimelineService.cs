using System.Globalization;
using System.Runtime.CompilerServices;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Reading;

/// <summary>
/// The timeline: pages of envelopes for an <see cref="EventQuery"/>, newest first, for the API, the
/// dashboard and evidence packs. Every row served has been checked against the filter from its own
/// signed envelope, and every read is recorded as an access event before it returns.
/// </summary>
public sealed class TimelineService(IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, IntegrityAlerts alerts,
    TombstoneIndexCache tombstones)
{
    /// <summary>
    /// What one page may weigh (envelopes and, when asked for, contents). A page stops early, with a
    /// nextCursor, rather than exceed it; its first row is always served, whatever its size.
    /// </summary>
    public const long MaxPageBytes = 4 * 1024 * 1024;

    // Per row on the wire besides the envelope and content: leafHash, contentSalt and their keys.
    private const int RowOverhead = 256;

    // Contents are fetched in groups of about this many bytes, so a page never holds all of them at once.
    private const long ContentChunkBytes = 1024 * 1024;

    /// <param name="reader">Who reads (<see cref="ReadActor.From"/>); the access event is attributed to them.</param>
    /// <param name="via">Where the read came from ("api", "dashboard", "cli"), recorded with it.</param>
    /// <param name="withCount">Also count every event the filter selects (without the cursor), from the filter columns.</param>
    public Task<TimelinePage> ReadAsync(EventQuery query, ActorRef reader, string via, CancellationToken cancellationToken,
        bool withCount = false) =>
        ReadAsync(query, reader, "events.query", via, withCount, cancellationToken);

    /// <param name="action">The access event's action: each read service names its own.</param>
    internal async Task<TimelinePage> ReadAsync(EventQuery query, ActorRef reader, string action, string via, bool withCount,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var fetched = await (await query.ApplyAsync(db, cancellationToken))
            .Take(query.Limit + 1)
            .Select(e => new { e.Sequence, e.OccurredAt, e.Envelope, e.LeafHash })
            .ToListAsync(cancellationToken);
        var examined = fetched.Take(query.Limit).ToList();

        Dictionary<long, int> contentLengths = [];
        if (query.IncludeContent && examined.Count > 0)
        {
            var sequences = examined.Select(r => r.Sequence).ToList();
            contentLengths = await db.Contents.AsNoTracking().Where(c => sequences.Contains(c.Sequence))
                .Select(c => new { c.Sequence, c.Content.Length })
                .ToDictionaryAsync(c => c.Sequence, c => c.Length, cancellationToken);
        }

        var rows = new List<TimelineRow>(examined.Count);
        EventCursor? next = null;
        long bytes = 0;
        foreach (var row in examined)
        {
            var position = new EventCursor(DateTime.SpecifyKind(row.OccurredAt, DateTimeKind.Utc), row.Sequence);
            var facts = EnvelopeFacts.TryRead(row.Envelope);
            if (EnvelopeFilter.FirstDisagreement(query, row.Sequence, row.Envelope, facts) is { } mismatch)
            {
                alerts.Raise(row.Sequence, mismatch, action);
                continue;
            }
            int? contentLength = contentLengths.TryGetValue(row.Sequence, out var length) ? length : null;
            var size = row.Envelope.Length + RowOverhead + (contentLength ?? 0);
            if (rows.Count > 0 && bytes + size > MaxPageBytes)
            {
                next = rows[^1].Position;
                break;
            }
            bytes += size;
            rows.Add(new TimelineRow(position, row.Envelope, row.LeafHash, facts!, query.IncludeContent, contentLength));
        }
        // The cursor continues after the last row examined, served or left out.
        if (next is null && fetched.Count > query.Limit)
            next = new EventCursor(DateTime.SpecifyKind(examined[^1].OccurredAt, DateTimeKind.Utc), examined[^1].Sequence);

        long? count = withCount ? await (await (query with { Cursor = null }).ApplyAsync(db, cancellationToken)).LongCountAsync(cancellationToken) : null;

        var details = query.Describe();
        details["results"] = rows.Count.ToString(CultureInfo.InvariantCulture);
        if (count is not null) details["count"] = count.Value.ToString(CultureInfo.InvariantCulture);
        details["via"] = via;
        await access.RecordAsync(reader, action, details, cancellationToken);
        return new TimelinePage(rows, next, count);
    }

    /// <summary>
    /// For each row of a page whose content row is gone, the tombstone that purged it, or null when none
    /// covers it (the portal never purges without one: tampering or a lost row, which verify names).
    /// A page read with includeContent already knows which are gone; for the others one query asks.
    /// The tombstones come from the ledger's <see cref="TombstoneIndexCache"/>: only those appended since
    /// the last read are read.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, RetentionTombstone?>> PurgesAsync(IReadOnlyList<TimelineRow> rows, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var missing = rows.Where(r => r.ContentPurged).Select(r => r.Sequence).ToList();
        var unasked = rows.Where(r => !r.ContentRequested).Select(r => r.Sequence).ToList();
        if (unasked.Count > 0)
        {
            var stored = await db.Contents.AsNoTracking().Where(c => unasked.Contains(c.Sequence)).Select(c => c.Sequence).ToListAsync(cancellationToken);
            missing.AddRange(unasked.Except(stored));
        }
        return await CoveringAsync(db, missing, cancellationToken);
    }

    /// <summary>The tombstone that purged each of these contents (null where none covers it).</summary>
    public async Task<IReadOnlyDictionary<long, RetentionTombstone?>> PurgedByAsync(IReadOnlyCollection<long> missing, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await CoveringAsync(db, missing, cancellationToken);
    }

    private async Task<IReadOnlyDictionary<long, RetentionTombstone?>> CoveringAsync(LedgerDbContext db, IReadOnlyCollection<long> missing,
        CancellationToken cancellationToken)
    {
        if (missing.Count == 0) return new Dictionary<long, RetentionTombstone?>();
        var index = await tombstones.CurrentAsync(db, cancellationToken);
        return missing.ToDictionary(s => s, index.Covering);
    }

    /// <summary>
    /// The contents of a page's rows, in the page's order (null for a purged one), read a group at a
    /// time so that a page of large contents is never held in memory whole. Only for a page read with
    /// includeContent, whose read was recorded as an access.
    /// </summary>
    public async IAsyncEnumerable<EventContent?> ReadContentsAsync(IReadOnlyList<TimelineRow> rows,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (rows.Any(r => !r.ContentRequested)) throw new InvalidOperationException("The page was read without includeContent.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var start = 0;
        while (start < rows.Count)
        {
            var end = start;
            long bytes = 0;
            while (end < rows.Count && (end == start || bytes + (rows[end].ContentLength ?? 0) <= ContentChunkBytes))
                bytes += rows[end++].ContentLength ?? 0;
            var sequences = rows.Skip(start).Take(end - start).Where(r => r.ContentLength is not null).Select(r => r.Sequence).ToList();
            var contents = sequences.Count == 0
                ? []
                : await db.Contents.AsNoTracking().Where(c => sequences.Contains(c.Sequence))
                    .ToDictionaryAsync(c => c.Sequence, c => new EventContent(c.Sequence, c.Salt, c.Content), cancellationToken);
            for (var i = start; i < end; i++) yield return contents.GetValueOrDefault(rows[i].Sequence);
            start = end;
        }
    }
}

/// <param name="Next">Where the next page starts, or null on the last page.</param>
/// <param name="Count">Every event the filter selects, when asked for: counted from the filter columns (verify checks them), not re-checked row by row.</param>
public sealed record TimelinePage(IReadOnlyList<TimelineRow> Rows, EventCursor? Next, long? Count);

/// <summary>One served envelope, checked against the filter from its own bytes.</summary>
/// <param name="ContentRequested">The page was read with includeContent.</param>
/// <param name="ContentLength">The stored content's size, or null when it was not requested or has been purged.</param>
public sealed record TimelineRow(EventCursor Position, byte[] Envelope, byte[] LeafHash, EnvelopeFacts Facts, bool ContentRequested, int? ContentLength)
{
    public long Sequence => Position.Sequence;
    public string LeafHashHex => Convert.ToHexStringLower(LeafHash);
    public bool ContentPurged => ContentRequested && ContentLength is null;
}

/// <summary>The disclosed content of an event (canonical JSON) and the salt of its commitment.</summary>
public sealed record EventContent(long Sequence, byte[] Salt, byte[] Content);
