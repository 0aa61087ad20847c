using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Ledger.Writing;

/// <summary>
/// Appends the events the portal itself originates (access, configuration changes, later retention
/// and key rotation) through the same writer as client traffic, and waits until they are durable.
/// </summary>
public sealed class PortalEventRecorder(LedgerWriter writer, TimeProvider time)
{
    public Task RecordAsync(string type, ActorRef actor, JsonObject attributes, CancellationToken cancellationToken) =>
        RecordAsync(new PortalEvent(type, actor, attributes), cancellationToken);

    public async Task RecordAsync(PortalEvent portalEvent, CancellationToken cancellationToken)
    {
        var outcome = await TryRecordAsync(portalEvent, cancellationToken);
        if (outcome is not Appended) throw new InvalidOperationException($"The ledger refused the portal's own {portalEvent.Type} event: {outcome}.");
    }

    /// <summary>Appends the event and says whether the writer's rules accepted it, for a caller that expects a refusal (a stale retention purge).</summary>
    public Task<AppendOutcome> TryRecordAsync(PortalEvent portalEvent, CancellationToken cancellationToken)
    {
        var (type, actor, attributes) = portalEvent;
        var draft = new EventDraft
        {
            EventId = portalEvent.EventId ?? $"{type}-{Guid.CreateVersion7()}",
            Type = type,
            OccurredAtUtc = portalEvent.OccurredAtUtc ?? time.GetUtcNow().UtcDateTime,
            Actor = actor,
            SubmittedBy = portalEvent.SubmittedBy ?? actor,
            Fields = new Dictionary<string, JsonNode> { ["attributes"] = attributes },
            Content = CanonicalJson.Serialize(new JsonObject()),
        };
        return writer.AppendAsync([new IncomingEvent(draft, null, type) { Project = portalEvent.Project, Purge = portalEvent.Purge }], cancellationToken);
    }
}

/// <summary>An event the portal originates.</summary>
/// <param name="EventId">A stable id when others must find the event by it; a fresh one otherwise.</param>
/// <param name="Project">The read-model rows to write in the same transaction (see <see cref="IncomingEvent.Project"/>).</param>
public sealed record PortalEvent(string Type, ActorRef Actor, JsonObject Attributes)
{
    public string? EventId { get; init; }
    /// <summary>Who submitted it, when not the actor (API-key changes are submitted by the portal itself).</summary>
    public ActorRef? SubmittedBy { get; init; }
    public DateTime? OccurredAtUtc { get; init; }
    public Func<LedgerDbContext, CancellationToken, Task>? Project { get; init; }
    /// <summary>For a retention tombstone, what it purges (see <see cref="IncomingEvent.Purge"/>).</summary>
    public PurgeClaim? Purge { get; init; }
}
