namespace AuditPortal.Data.Retention;

/// <summary>What retention decides on, read from an event's signed envelope.</summary>
public sealed record PurgedEventFacts(long Sequence, string Type, string? Application, string? Model, string ActorId, string? PromptName, DateTime OccurredAtUtc);
