using AuditPortal.Data.Merkle;

namespace AuditPortal.Data.Ledger.Model;

/// <summary>A stored perfect subtree hash (level ≥ 1; leaves live on the envelope). Key: <see cref="NodeId.StorageKey"/>.</summary>
public sealed class TreeNode
{
    public long NodeKey { get; set; }
    public required byte[] Hash { get; set; }
}
