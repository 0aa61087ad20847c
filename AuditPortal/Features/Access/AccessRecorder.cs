using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Ingestion;

namespace AuditPortal.Features.Access;

/// <summary>
/// Records every read of audited data as an `access` event before the data is handed out: if the
/// ledger cannot record the access, the read fails instead of going unrecorded.
/// </summary>
public sealed class AccessRecorder(LedgerWriter writer, TimeProvider time)
{
    public async Task RecordAsync(ActorRef reader, string action, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken)
    {
        var attributes = new JsonObject { ["action"] = action };
        foreach (var (key, value) in details.Take(63)) attributes[key] = value.Length <= 4096 ? value : value[..4096];
        var draft = new EventDraft
        {
            EventId = $"access-{Guid.CreateVersion7()}",
            Type = EventTypes.Access,
            OccurredAtUtc = time.GetUtcNow().UtcDateTime,
            Actor = reader,
            SubmittedBy = reader,
            Fields = new Dictionary<string, JsonNode> { ["attributes"] = attributes },
            Content = CanonicalJson.Serialize(new JsonObject()),
        };
        var outcome = await writer.AppendAsync([new IncomingEvent(draft, null, "access")], cancellationToken);
        if (outcome is not Appended) throw new InvalidOperationException($"The access event was refused: {outcome}.");
    }
}
