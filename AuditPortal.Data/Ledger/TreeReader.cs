using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger;

/// <summary>Reads stored tree nodes and answers proofs with O(log n) reads.</summary>
public static class TreeReader
{
    /// <summary>Fetches perfect-node hashes: level 0 from the envelopes' leaf hashes, higher levels from tree_nodes.</summary>
    public static async Task<Dictionary<NodeId, byte[]>> ReadNodesAsync(LedgerDbContext db, IEnumerable<NodeId> ids,
        CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        var result = new Dictionary<NodeId, byte[]>(wanted.Count);

        var leaves = wanted.Where(n => n.Level == 0).Select(n => n.Index).ToList();
        if (leaves.Count > 0)
        {
            var rows = await db.Entries.AsNoTracking().Where(e => leaves.Contains(e.Sequence))
                .Select(e => new { e.Sequence, e.LeafHash }).ToListAsync(cancellationToken);
            foreach (var row in rows) result[new NodeId(0, row.Sequence)] = row.LeafHash;
        }

        var keys = wanted.Where(n => n.Level > 0).Select(n => n.StorageKey).ToList();
        if (keys.Count > 0)
        {
            var rows = await db.TreeNodes.AsNoTracking().Where(n => keys.Contains(n.NodeKey)).ToListAsync(cancellationToken);
            foreach (var row in rows) result[NodeId.FromStorageKey(row.NodeKey)] = row.Hash;
        }
        return result;
    }

    public static async Task<List<byte[]>> ProveAsync(LedgerDbContext db, ProofPlan plan, CancellationToken cancellationToken)
    {
        var nodes = await ReadNodesAsync(db, plan.RequiredNodes, cancellationToken);
        return plan.Assemble(nodes);
    }

    /// <summary>The size the log has reached: the end of the last sealed append.</summary>
    public static async Task<long> TreeSizeAsync(LedgerDbContext db, CancellationToken cancellationToken) =>
        await db.Seals.AsNoTracking().MaxAsync(s => (long?)s.TreeSize, cancellationToken) ?? 0;

    /// <summary>The RFC 9162 inclusion proof of one entry in the tree of the given size, with the leaf and root it links.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is not below treeSize.</exception>
    public static async Task<InclusionPath> InclusionProofAsync(LedgerDbContext db, long sequence, long treeSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequence, treeSize);
        var plan = ProofPlan.Inclusion(sequence, treeSize);
        var leaf = new NodeId(0, sequence);
        // One read for the path, the leaf and the root's edge nodes.
        var nodes = await ReadNodesAsync(db, plan.RequiredNodes.Append(leaf).Concat(CompactRange.EdgeNodes(treeSize)), cancellationToken);
        return new InclusionPath(sequence, treeSize, nodes[leaf], ProofPlan.RangeHash(0, treeSize, nodes), plan.Assemble(nodes));
    }

    /// <summary>The RFC 9162 consistency proof that the tree of size <paramref name="from"/> is a prefix of the tree of size <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 ≤ from ≤ to.</exception>
    public static Task<List<byte[]>> ConsistencyProofAsync(LedgerDbContext db, long from, long to, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        return ProveAsync(db, ProofPlan.Consistency(from, to), cancellationToken);
    }

    /// <summary>The size of the latest signed checkpoint, or null before the first.</summary>
    public static Task<long?> LatestCheckpointSizeAsync(LedgerDbContext db, CancellationToken cancellationToken) =>
        db.Checkpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize, cancellationToken);

    public static async Task<byte[]> RootAsync(LedgerDbContext db, long treeSize, CancellationToken cancellationToken)
    {
        var edge = CompactRange.EdgeNodes(treeSize);
        var nodes = await ReadNodesAsync(db, edge, cancellationToken);
        return ProofPlan.RangeHash(0, treeSize, nodes);
    }
}

/// <summary>An inclusion proof: the leaf at <paramref name="LeafIndex"/>, the root of the tree of <paramref name="TreeSize"/>, and the path linking them.</summary>
public sealed record InclusionPath(long LeafIndex, long TreeSize, byte[] LeafHash, byte[] RootHash, IReadOnlyList<byte[]> Path);
