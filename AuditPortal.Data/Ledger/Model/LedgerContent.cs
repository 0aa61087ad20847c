namespace AuditPortal.Data.Ledger.Model;

/// <summary>
/// The sensitive part of an event and the salt of its commitment. Retention deletes this row (never
/// the envelope), after which the commitment in the envelope reveals nothing about what was said.
/// </summary>
public sealed class LedgerContent
{
    public long Sequence { get; set; }
    public required byte[] Salt { get; set; }
    public required byte[] Content { get; set; }
}
