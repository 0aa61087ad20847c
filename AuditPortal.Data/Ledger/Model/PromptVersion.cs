namespace AuditPortal.Data.Ledger.Model;

/// <summary>
/// Read model of the prompt registry, written in the same transaction as the prompt events it is
/// projected from; it can be rebuilt from the ledger at any time.
/// </summary>
public sealed class PromptVersion
{
    public required string Name { get; set; }
    public int Version { get; set; }
    public int? ParentVersion { get; set; }
    public required string AuthorId { get; set; }
    public long CreatedSequence { get; set; }
    public PromptStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedSequence { get; set; }
    public long? PublishedSequence { get; set; }
}

public enum PromptStatus
{
    Draft = 0,
    Approved = 1,
    Rejected = 2,
    Published = 3,
}
