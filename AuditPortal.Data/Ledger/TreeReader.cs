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

    public static async Task<byte[]> RootAsync(LedgerDbContext db, long treeSize, CancellationToken cancellationToken)
    {
        var edge = CompactRange.EdgeNodes(treeSize);
        var nodes = await ReadNodesAsync(db, edge, cancellationToken);
        return ProofPlan.RangeHash(0, treeSize, nodes);
    }
}
