using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Features.Ingestion;

/// <summary>
/// Appends the events the portal itself originates (access, configuration changes, later retention
/// and key rotation) through the same writer as client traffic, and waits until they are durable.
/// </summary>
public sealed class PortalEventRecorder(LedgerWriter writer, TimeProvider time)
{
    public async Task RecordAsync(string type, ActorRef actor, JsonObject attributes, CancellationToken cancellationToken)
    {
        var draft = new EventDraft
        {
            EventId = $"{type}-{Guid.CreateVersion7()}",
            Type = type,
            OccurredAtUtc = time.GetUtcNow().UtcDateTime,
            Actor = actor,
            SubmittedBy = actor,
            Fields = new Dictionary<string, JsonNode> { ["attributes"] = attributes },
            Content = CanonicalJson.Serialize(new JsonObject()),
        };
        var outcome = await writer.AppendAsync([new IncomingEvent(draft, null, type)], cancellationToken);
        if (outcome is not Appended) throw new InvalidOperationException($"The ledger refused the portal's own {type} event: {outcome}.");
    }
}
