using AuditPortal.Data.Projections;

namespace AuditPortal.Data.Retention;

/// <summary>What retention decides on, read from an event's signed envelope.</summary>
public sealed record PurgedEventFacts(long Sequence, string Type, string? Application, string? Model, string ActorId, string? PromptName, DateTime OccurredAtUtc)
{
    /// <summary>The facts of an envelope, or null when its bytes are not a readable envelope (verify names that on its own).</summary>
    public static PurgedEventFacts? TryRead(ReadOnlyMemory<byte> envelope) =>
        ProjectedEvent.TryRead(envelope) is { } e ? new(e.Sequence, e.Type, e.Application, e.Model, e.ActorId, e.PromptName, e.OccurredAtUtc) : null;
}
