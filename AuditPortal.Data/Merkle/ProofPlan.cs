namespace AuditPortal.Data.Merkle;

/// <summary>
/// Plans RFC 9162 §2.1.3.1 inclusion and §2.1.4.1 consistency proofs as a list of subtree ranges,
/// so a stored tree answers with one batched read of O(log n) perfect nodes.
/// </summary>
public sealed class ProofPlan
{
    private ProofPlan(IReadOnlyList<(long Start, long End)> ranges) => Ranges = ranges;

    /// <summary>Subtree ranges [Start, End) whose hashes form the proof, in proof order.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges { get; }

    /// <summary>Every perfect node the proof needs.</summary>
    public IEnumerable<NodeId> RequiredNodes => Ranges.SelectMany(r => NodeId.Decompose(r.Start, r.End)).Distinct();

    public static ProofPlan Inclusion(long leafIndex, long treeSize)
    {
        if (leafIndex < 0 || leafIndex >= treeSize) throw new ArgumentOutOfRangeException(nameof(leafIndex));
        var ranges = new List<(long, long)>();
        long lo = 0, hi = treeSize;
        while (hi - lo > 1)
        {
            var k = NodeId.SplitPoint(hi - lo);
            if (leafIndex - lo < k) { ranges.Add((lo + k, hi)); hi = lo + k; }
            else { ranges.Add((lo, lo + k)); lo += k; }
        }
        ranges.Reverse();
        return new ProofPlan(ranges);
    }

    public static ProofPlan Consistency(long size1, long size2)
    {
        if (size1 < 0 || size2 < size1) throw new ArgumentOutOfRangeException(nameof(size1));
        var ranges = new List<(long, long)>();
        if (size1 == 0 || size1 == size2) return new ProofPlan(ranges);
        long lo = 0, hi = size2, m = size1;
        var complete = true;
        while (true)
        {
            if (m == hi - lo)
            {
                if (!complete) ranges.Add((lo, hi));
                break;
            }
            var k = NodeId.SplitPoint(hi - lo);
            if (m <= k) { ranges.Add((lo + k, hi)); hi = lo + k; }
            else { ranges.Add((lo, lo + k)); lo += k; m -= k; complete = false; }
        }
        ranges.Reverse();
        return new ProofPlan(ranges);
    }

    /// <summary>Assembles the proof from fetched node hashes (level 0 = leaf hashes).</summary>
    public List<byte[]> Assemble(IReadOnlyDictionary<NodeId, byte[]> nodes) =>
        [.. Ranges.Select(r => RangeHash(r.Start, r.End, nodes))];

    /// <summary>MTH of a subtree range, folded right to left from its perfect nodes.</summary>
    public static byte[] RangeHash(long start, long end, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        if (start == end) return (byte[])MerkleHash.EmptyRoot.Clone();
        var parts = NodeId.Decompose(start, end);
        var hash = Lookup(parts[^1], nodes);
        for (var i = parts.Count - 2; i >= 0; i--) hash = MerkleHash.Node(Lookup(parts[i], nodes), hash);
        return hash;
    }

    private static byte[] Lookup(NodeId id, IReadOnlyDictionary<NodeId, byte[]> nodes) =>
        nodes.TryGetValue(id, out var hash)
            ? hash
            : throw new InvalidOperationException($"Tree node level {id.Level} index {id.Index} is missing from storage.");
}
