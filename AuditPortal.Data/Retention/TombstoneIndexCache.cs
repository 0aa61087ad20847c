using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Retention;

/// <summary>
/// The <see cref="TombstoneIndex"/> of one ledger, kept between reads (a singleton per ledger). Tombstones
/// are ledger events: never changed once appended, and appended in sequence order under the append lock,
/// so a reader that has seen every tombstone up to some sequence only ever needs those after it. Each
/// page or event view therefore costs one query that finds nothing new, instead of reading every
/// tombstone again. A tombstone edited or deleted in the database afterwards is still served from here:
/// <c>verify</c>, which reads the ledger whole, is what names that.
/// </summary>
public sealed class TombstoneIndexCache
{
    private Known _known = new(TombstoneIndex.Empty, -1);
    private long _tombstonesRead;

    /// <summary>Tombstone envelopes read from the database since start-up (each once, unless two readers raced for the same new ones).</summary>
    public long TombstonesRead => Interlocked.Read(ref _tombstonesRead);

    /// <summary>Every tombstone the ledger holds now, as <paramref name="db"/> sees it.</summary>
    public async Task<TombstoneIndex> CurrentAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _known);
        var added = await RetentionTombstones.AfterAsync(db, known.Through, cancellationToken);
        if (added.Count == 0) return known.Index;
        Interlocked.Add(ref _tombstonesRead, added.Count);
        var next = new Known(known.Index.With(added.Select(a => a.Tombstone).OfType<RetentionTombstone>()), added.Max(a => a.Sequence));
        // Whichever reader got further keeps its index; this reader's is complete for what it read either way.
        Interlocked.CompareExchange(ref _known, next, known);
        return next.Index;
    }

    /// <param name="Through">The highest tombstone sequence read (malformed ones included, so they are not read again).</param>
    private sealed record Known(TombstoneIndex Index, long Through);
}
