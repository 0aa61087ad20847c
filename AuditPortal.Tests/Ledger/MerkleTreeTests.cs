using System.Security.Cryptography;
using AuditPortal.Data.Merkle;

namespace AuditPortal.Tests.Ledger;

/// <summary>The stored-tree code (compact range, proof plans) against a direct RFC 9162 recursion.</summary>
public class MerkleTreeTests
{
    private static readonly byte[][] Leaves = [.. Enumerable.Range(0, 70).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i)))];

    [Fact]
    public void CompactRangeRootEqualsReferenceForEverySize()
    {
        var range = new CompactRange();
        Assert.Equal(SHA256.HashData([]), range.Root());
        for (var n = 1; n <= Leaves.Length; n++)
        {
            range.Append(Leaves[n - 1]);
            Assert.Equal(Reference(0, n), range.Root());
        }
    }

    [Fact]
    public void CompactRangeReportsEveryPerfectNodeOnce()
    {
        var nodes = new Dictionary<NodeId, byte[]>();
        var range = new CompactRange();
        foreach (var leaf in Leaves) range.Append(leaf, (id, hash) => nodes.Add(id, hash));
        Assert.Equal(Leaves.Length - 1 - (int)(long.PopCount(Leaves.Length) - 1), nodes.Count);
        foreach (var (id, hash) in nodes) Assert.Equal(Reference((int)id.FirstLeaf, (int)id.FirstLeaf + (int)id.Width), hash);
    }

    [Fact]
    public void PlannedInclusionAndConsistencyProofsVerify()
    {
        var store = AllNodes();
        for (var n = 1; n <= Leaves.Length; n++)
        {
            var root = Reference(0, n);
            for (var m = 0; m < n; m++)
            {
                var proof = ProofPlan.Inclusion(m, n).Assemble(store);
                Assert.True(MerkleProofs.VerifyInclusion(m, n, Leaves[m], proof, root).IsValid, $"inclusion {m} in {n}");
            }
            for (var m = 1; m <= n; m++)
            {
                var proof = ProofPlan.Consistency(m, n).Assemble(store);
                Assert.True(MerkleProofs.VerifyConsistency(m, n, Reference(0, m), root, proof).IsValid, $"consistency {m} to {n}");
            }
        }
    }

    [Fact]
    public void ProofsNeedOnlyLogarithmicallyManyStoredNodes()
    {
        const long size = 1_000_003;
        foreach (var m in new long[] { 0, 1, 4095, 524_287, size - 1 })
            Assert.True(ProofPlan.Inclusion(m, size).RequiredNodes.Count() <= 2 * 21, $"inclusion {m}");
        foreach (var m in new long[] { 1, 3, 65_537, 999_999 })
            Assert.True(ProofPlan.Consistency(m, size).RequiredNodes.Count() <= 2 * 21, $"consistency {m}");
    }

    [Fact]
    public void StorageKeyRoundTripsAndOrdersByCompletion()
    {
        var a = new NodeId(3, 5);
        Assert.Equal(a, NodeId.FromStorageKey(a.StorageKey));
        Assert.True(new NodeId(1, 0).StorageKey < new NodeId(2, 0).StorageKey);
        Assert.True(new NodeId(2, 0).StorageKey < new NodeId(1, 2).StorageKey);
    }

    private static Dictionary<NodeId, byte[]> AllNodes()
    {
        var store = new Dictionary<NodeId, byte[]>();
        for (var i = 0; i < Leaves.Length; i++) store[new NodeId(0, i)] = Leaves[i];
        var range = new CompactRange();
        foreach (var leaf in Leaves) range.Append(leaf, (id, hash) => store[id] = hash);
        return store;
    }

    /// <summary>MTH(D[a:b]) straight from RFC 9162 §2.1.1.</summary>
    private static byte[] Reference(int a, int b)
    {
        if (b - a == 0) return SHA256.HashData([]);
        if (b - a == 1) return Leaves[a];
        var k = 1;
        while (k * 2 < b - a) k *= 2;
        return MerkleHash.Node(Reference(a, a + k), Reference(a + k, b));
    }
}
