namespace AuditPortal.Redaction;

/// <summary>What a detector does with what it finds in an event's content.</summary>
public enum RedactionAction
{
    /// <summary>Leave the text as sent; the envelope still counts what was found.</summary>
    Keep,
    /// <summary>Replace it with <c>[redacted:name]</c>.</summary>
    Mask,
    /// <summary>Replace it with <c>[name:</c>keyed hash<c>]</c>: equal values stay linkable, the value is not readable.</summary>
    Hash,
}
