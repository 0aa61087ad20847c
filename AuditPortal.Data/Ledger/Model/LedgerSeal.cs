namespace AuditPortal.Data.Ledger.Model;

/// <summary>
/// The signature every append transaction leaves: it covers the leaf hashes it added and the root
/// after them. A row edited, inserted or removed outside the portal cannot carry a valid seal, and the
/// sealed leaf list lets the verifier name the exact entry that differs.
/// </summary>
public sealed class LedgerSeal
{
    /// <summary>Tree size after the transaction (exclusive end of the sealed range).</summary>
    public long TreeSize { get; set; }
    public long FirstSequence { get; set; }
    public required byte[] RootHash { get; set; }
    /// <summary>The sealed leaf hashes, 32 bytes each, in sequence order.</summary>
    public required byte[] LeafHashes { get; set; }
    public long KeyId { get; set; }
    public required byte[] Signature { get; set; }
    public DateTime SealedAt { get; set; }
}
