namespace AuditPortal.Data.Ledger;

/// <summary>Column widths, shared with ingestion validation so that every accepted value fits.</summary>
public static class FieldLimits
{
    public const int EventId = 128;
    public const int Type = 64;
    public const int ActorId = 256;
    public const int DisplayName = 256;
    public const int Name = 256;
    public const int KeyName = 64;
}
