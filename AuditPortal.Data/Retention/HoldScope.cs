namespace AuditPortal.Data.Retention;

/// <summary>Which events a legal hold keeps: each part optional (but not all), the time range on when the event occurred.</summary>
public sealed record HoldScope(string? Actor, string? Application, string? Prompt, DateTime? FromUtc, DateTime? ToUtc)
{
    public bool IsEmpty => Actor is null && Application is null && Prompt is null && FromUtc is null && ToUtc is null;

    public bool Matches(string actor, string? application, string? prompt, DateTime occurredAtUtc) =>
        (Actor is null || Actor == actor) && (Application is null || Application == application) && (Prompt is null || Prompt == prompt)
        && (FromUtc is null || occurredAtUtc >= FromUtc) && (ToUtc is null || occurredAtUtc < ToUtc);
}
