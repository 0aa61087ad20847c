using System.Numerics;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// Restores tree nodes lost from the end of <c>tree_nodes</c> (a restore that missed the last rows,
/// a DBA's DELETE). Without the right edge no append can start, so every POST would answer 503 until
/// someone repaired the table by hand. The nodes are recomputed from the stored leaf hashes and
/// written only when the recomputed root equals the root in the last seal, whose signature is checked
/// with the ledger key first: the repair restores exactly what was signed, or refuses.
/// </summary>
public static class RightEdgeRepair
{
    /// <summary>Checks the right edge and restores lost nodes; returns how many were restored (0: intact).</summary>
    /// <exception cref="LedgerCorruptException">The damage is more than lost nodes; <c>verify</c> names it.</exception>
    public static async Task<int> RestoreAsync(LedgerDbContext db, NoteVerifier key, CancellationToken cancellationToken)
    {
        if (await IsIntactAsync(db, cancellationToken)) return 0;

        await using var transaction = await db.BeginAppendTransactionAsync(cancellationToken);
        // Again under the append lock: another instance may have repaired it meanwhile.
        if (await IsIntactAsync(db, cancellationToken)) return 0;
        var seal = await db.Seals.AsNoTracking().OrderByDescending(s => s.TreeSize).FirstAsync(cancellationToken);
        var statement = new SealStatement(key.Name, seal.FirstSequence, seal.TreeSize, seal.RootHash, seal.LeafHashes);
        if ((uint)seal.KeyId != key.KeyId || !key.Verify(statement.ToBytes(), seal.Signature))
            throw Refuse($"the last seal (size {seal.TreeSize}) is not signed by the ledger key");

        var size = seal.TreeSize;
        var lastStored = await db.TreeNodes.AsNoTracking().MaxAsync(n => (long?)n.NodeKey, cancellationToken);
        if (lastStored > ExpectedLastNodeKey(size))
            throw Refuse($"tree_nodes holds a node beyond the end of the log (size {size})");

        // Recompute from the leaf where the last stored node ends: that regenerates every node completed at or after it.
        var start = lastStored is { } key64 ? Math.Min(NodeId.FromStorageKey(key64).LastLeaf, size) : 0;
        var startEdge = CompactRange.EdgeNodes(start);
        var stored = await TreeReader.ReadNodesAsync(db, startEdge, cancellationToken);
        if (startEdge.Where(id => !stored.ContainsKey(id)).Select(id => (NodeId?)id).FirstOrDefault() is { } gap)
            throw Refuse($"tree node level {gap.Level} index {gap.Index}, left of the lost ones, is missing too");
        var tree = new CompactRange(start, startEdge.Select(id => stored[id]));

        var rebuilt = new List<TreeNode>();
        var leaves = await db.Entries.AsNoTracking().Where(e => e.Sequence >= start && e.Sequence < size).OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.LeafHash }).ToListAsync(cancellationToken);
        for (var i = 0; i < leaves.Count; i++)
        {
            if (leaves[i].Sequence != start + i) throw Refuse($"entry {start + i} is missing");
            tree.Append(leaves[i].LeafHash, (id, hash) => rebuilt.Add(new TreeNode { NodeKey = id.StorageKey, Hash = hash }));
        }
        if (tree.Size != size) throw Refuse($"entries {tree.Size} to {size - 1} are missing");
        if (!tree.Root().AsSpan().SequenceEqual(seal.RootHash))
            throw Refuse($"the leaves do not give the root the last seal (size {size}) signed");

        var firstKey = start * 64;
        var existing = await db.TreeNodes.AsNoTracking().Where(n => n.NodeKey >= firstKey)
            .ToDictionaryAsync(n => n.NodeKey, n => n.Hash, cancellationToken);
        var missing = new List<TreeNode>();
        foreach (var node in rebuilt)
        {
            if (!existing.TryGetValue(node.NodeKey, out var hash)) missing.Add(node);
            else if (!hash.AsSpan().SequenceEqual(node.Hash))
                throw Refuse($"stored tree node {NodeId.FromStorageKey(node.NodeKey)} differs from the one its leaves give");
        }
        db.TreeNodes.AddRange(missing);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return missing.Count;
    }

    /// <summary>Cheap, on every start: the last node is the one the size predicts, and the edge nodes exist and give the sealed root.</summary>
    private static async Task<bool> IsIntactAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var seal = await db.Seals.AsNoTracking().OrderByDescending(s => s.TreeSize)
            .Select(s => new { s.TreeSize, s.RootHash }).FirstOrDefaultAsync(cancellationToken);
        if (seal is null) return true;
        var lastStored = await db.TreeNodes.AsNoTracking().MaxAsync(n => (long?)n.NodeKey, cancellationToken);
        if (lastStored != ExpectedLastNodeKey(seal.TreeSize)) return false;
        var edge = CompactRange.EdgeNodes(seal.TreeSize);
        var nodes = await TreeReader.ReadNodesAsync(db, edge, cancellationToken);
        if (edge.Any(id => !nodes.ContainsKey(id))) return false;
        // A present but wrong edge is not a lost node: the appender refuses it and verify names it.
        return true;
    }

    /// <summary>
    /// The storage key of the last node a tree of <paramref name="size"/> leaves completed: the one the
    /// last odd leaf index closed, at the level of its trailing one bits (null below two leaves).
    /// </summary>
    internal static long? ExpectedLastNodeKey(long size)
    {
        if (size < 2) return null;
        var lastOdd = (size - 1) % 2 == 1 ? size - 1 : size - 2;
        return lastOdd * 64 + BitOperations.TrailingZeroCount(lastOdd + 1);
    }

    private static LedgerCorruptException Refuse(string reason) => new(
        $"Tree nodes are missing at the end of the log and cannot be rebuilt from the leaves: {reason}");
}
