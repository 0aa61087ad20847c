namespace AuditPortal.Data.Merkle;

/// <summary>
/// Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) specify.
/// Every rejection says why, because an auditor needs the reason, not just "false".
/// </summary>
public static class MerkleProofs
{
    /// <summary>RFC 9162 uses unsigned 64-bit indices; those beyond any storable tree are rejected here.</summary>
    public static ProofCheck VerifyInclusion(ulong leafIndex, ulong treeSize, ReadOnlySpan<byte> leafHash,
        IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root) =>
        leafIndex > long.MaxValue || treeSize > long.MaxValue
            ? ProofCheck.Fail("index or size beyond 2^63 − 1")
            : VerifyInclusion((long)leafIndex, (long)treeSize, leafHash, proof, root);

    public static ProofCheck VerifyConsistency(ulong size1, ulong size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2,
        IReadOnlyList<byte[]> proof) =>
        size1 > long.MaxValue || size2 > long.MaxValue
            ? ProofCheck.Fail("size beyond 2^63 − 1")
            : VerifyConsistency((long)size1, (long)size2, root1, root2, proof);

    public static ProofCheck VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash,
        IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (treeSize <= 0) return ProofCheck.Fail("tree size must be positive");
        if (leafIndex < 0 || leafIndex >= treeSize) return ProofCheck.Fail($"leaf index {leafIndex} is outside a tree of size {treeSize}");
        if (leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size) return ProofCheck.Fail("hashes must be 32 bytes");
        if (proof.Any(p => p.Length != MerkleHash.Size)) return ProofCheck.Fail("proof contains a hash that is not 32 bytes");

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0) return ProofCheck.Fail("proof is longer than the tree is deep");
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return ProofCheck.Fail("proof is shorter than the tree is deep");
        return r.AsSpan().SequenceEqual(root) ? ProofCheck.Ok : ProofCheck.Fail("computed root does not match");
    }

    public static ProofCheck VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2,
        IReadOnlyList<byte[]> proof)
    {
        if (size1 < 0 || size2 < 0) return ProofCheck.Fail("sizes must not be negative");
        if (size2 < size1) return ProofCheck.Fail($"size {size2} is smaller than {size1}");
        // Every tree extends the empty tree; a "proof" of that proves nothing, so it is refused.
        if (size1 == 0) return ProofCheck.Fail("a consistency proof from the empty tree is meaningless");
        if (size1 == size2)
        {
            if (proof.Count != 0) return ProofCheck.Fail("proof between equal sizes must be empty");
            return root1.SequenceEqual(root2) ? ProofCheck.Ok : ProofCheck.Fail("roots of equal sizes differ");
        }
        if (root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size) return ProofCheck.Fail("roots must be 32 bytes");
        if (proof.Any(p => p.Length != MerkleHash.Size)) return ProofCheck.Fail("proof contains a hash that is not 32 bytes");
        if (proof.Count == 0) return ProofCheck.Fail("proof is empty");

        // §2.1.4.2 step 1: if size1 is an exact power of two, prepend first_hash to the proof.
        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0) path.Add(root1.ToArray());
        path.AddRange(proof);

        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }

        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0) return ProofCheck.Fail("proof is longer than needed");
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return ProofCheck.Fail("proof is shorter than needed");
        if (!fr.AsSpan().SequenceEqual(root1)) return ProofCheck.Fail("proof does not lead to the first root");
        if (!sr.AsSpan().SequenceEqual(root2)) return ProofCheck.Fail("proof does not lead to the second root");
        return ProofCheck.Ok;
    }
}

public readonly record struct ProofCheck(bool IsValid, string? Reason)
{
    public static ProofCheck Ok => new(true, null);
    public static ProofCheck Fail(string reason) => new(false, reason);
}
