namespace AuditPortal.Data.Merkle;

/// <summary>
/// The right edge of a growing tree: one perfect-subtree hash per set bit of the size. Appending a
/// leaf costs O(1) amortised hashes and yields each perfect node the moment it completes, which is
/// what the appender stores and the verifier recomputes.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _hashes;

    public CompactRange() : this(0, []) { }

    /// <param name="size">Number of leaves covered.</param>
    /// <param name="hashes">Hashes of <see cref="NodeId.Decompose"/>(0, size), left to right.</param>
    public CompactRange(long size, IEnumerable<byte[]> hashes)
    {
        Size = size;
        _hashes = [.. hashes];
        if (_hashes.Count != long.PopCount(size))
            throw new ArgumentException($"A tree of size {size} needs {long.PopCount(size)} edge hashes, got {_hashes.Count}.");
    }

    public long Size { get; private set; }

    /// <summary>Perfect nodes on the right edge, left to right (what a reader must fetch to resume).</summary>
    public static List<NodeId> EdgeNodes(long size) => NodeId.Decompose(0, size);

    /// <summary>Appends a leaf hash; <paramref name="onNode"/> receives every interior node it completes (levels ≥ 1).</summary>
    public void Append(byte[] leafHash, Action<NodeId, byte[]>? onNode = null)
    {
        var hash = leafHash;
        var index = Size;
        var level = 0;
        while ((index & 1) == 1)
        {
            var left = _hashes[^1];
            _hashes.RemoveAt(_hashes.Count - 1);
            hash = MerkleHash.Node(left, hash);
            level++;
            index >>= 1;
            onNode?.Invoke(new NodeId(level, index), hash);
        }
        _hashes.Add(hash);
        Size++;
    }

    public byte[] Root()
    {
        if (_hashes.Count == 0) return (byte[])MerkleHash.EmptyRoot.Clone();
        var root = _hashes[^1];
        for (var i = _hashes.Count - 2; i >= 0; i--) root = MerkleHash.Node(_hashes[i], root);
        return root;
    }

    public CompactRange Clone() => new(Size, _hashes.Select(h => h));
}
