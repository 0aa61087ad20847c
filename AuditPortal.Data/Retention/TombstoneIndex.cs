namespace AuditPortal.Data.Retention;

/// <summary>
/// Which tombstone covers a sequence: every tombstone's ranges sorted by their first sequence, found
/// by binary search. Tombstones of one ledger never overlap (a content row is purged once), so the
/// range that starts last at or before a sequence is the only candidate. Immutable: <see cref="With"/>
/// gives a new index, so readers on other threads keep a consistent one.
/// </summary>
public sealed class TombstoneIndex
{
    public static readonly TombstoneIndex Empty = new([]);

    private readonly List<(long First, long Last, RetentionTombstone Tombstone)> _ranges;

    public TombstoneIndex(IEnumerable<RetentionTombstone> tombstones) : this([], tombstones)
    {
    }

    private TombstoneIndex(IEnumerable<(long, long, RetentionTombstone)> ranges, IEnumerable<RetentionTombstone> tombstones)
    {
        _ranges = [.. ranges];
        foreach (var tombstone in tombstones) _ranges.AddRange(tombstone.Ranges.Select(r => (r.First, r.Last, tombstone)));
        _ranges.Sort((a, b) => a.First.CompareTo(b.First));
    }

    /// <summary>This index and <paramref name="tombstones"/>: a later tombstone may purge any earlier sequence, so the ranges are merged, not appended.</summary>
    public TombstoneIndex With(IEnumerable<RetentionTombstone> tombstones) => new(_ranges, tombstones);

    public RetentionTombstone? Covering(long sequence)
    {
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_ranges[mid].First <= sequence) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found >= 0 && _ranges[found].Last >= sequence ? _ranges[found].Tombstone : null;
    }
}
