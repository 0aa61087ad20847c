using System.Numerics;

namespace AuditPortal.Data.Merkle;

/// <summary>
/// A perfect subtree: 2^Level leaves starting at leaf Index·2^Level. Stored trees keep one row per
/// perfect node; its key orders nodes by the moment they complete (the last leaf under them), so
/// a verifier can stream leaves and nodes side by side with range scans.
/// </summary>
public readonly record struct NodeId(int Level, long Index)
{
    public const int MaxLevel = 62;

    public long FirstLeaf => Index << Level;
    public long LastLeaf => ((Index + 1) << Level) - 1;
    public long Width => 1L << Level;

    /// <summary>Storage key: lastLeaf·64 + level. Unique, and ascending in completion order.</summary>
    public long StorageKey => LastLeaf * 64 + Level;

    public static NodeId FromStorageKey(long key)
    {
        var level = (int)(key % 64);
        var lastLeaf = key / 64;
        return new NodeId(level, ((lastLeaf + 1) >> level) - 1);
    }

    /// <summary>Splits the leaf range [start, end) into the fewest perfect nodes, left to right.</summary>
    public static List<NodeId> Decompose(long start, long end)
    {
        var nodes = new List<NodeId>();
        var pos = start;
        while (pos < end)
        {
            var alignment = pos == 0 ? MaxLevel : BitOperations.TrailingZeroCount(pos);
            var fit = BitOperations.Log2((ulong)(end - pos));
            var level = Math.Min(alignment, fit);
            nodes.Add(new NodeId(level, pos >> level));
            pos += 1L << level;
        }
        return nodes;
    }

    /// <summary>The largest power of two strictly smaller than n (n ≥ 2), the split point of RFC 9162 §2.1.1.</summary>
    public static long SplitPoint(long n) => 1L << BitOperations.Log2((ulong)(n - 1));
}
