namespace AuditPortal.Data.Ledger.Model;

/// <summary>
/// One envelope: the append-only record of an event. <see cref="Envelope"/> holds the exact canonical
/// bytes that are the Merkle leaf; the other columns are copies of envelope fields, indexed for
/// filtering, and are never trusted by the verifier.
/// </summary>
public sealed class LedgerEntry
{
    public long Sequence { get; set; }
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public DateTime OccurredAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public required string ActorId { get; set; }
    public required string ActorKind { get; set; }
    public required string SubmittedBy { get; set; }
    public string? Application { get; set; }
    public string? Model { get; set; }
    public string? Provider { get; set; }
    public string? PromptName { get; set; }
    public int? PromptVersion { get; set; }
    /// <summary>Lower-cased envelope values for the timeline's text search; derived, not signed.</summary>
    public required string SearchText { get; set; }
    public required byte[] Envelope { get; set; }
    public required byte[] LeafHash { get; set; }
}
