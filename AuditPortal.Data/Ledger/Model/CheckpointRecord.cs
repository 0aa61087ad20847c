namespace AuditPortal.Data.Ledger.Model;

/// <summary>A published C2SP checkpoint (signed note), also written to the anchor directory.</summary>
public sealed class CheckpointRecord
{
    public long TreeSize { get; set; }
    public required byte[] RootHash { get; set; }
    public required string Note { get; set; }
    public long KeyId { get; set; }
    public DateTime CreatedAt { get; set; }
}
