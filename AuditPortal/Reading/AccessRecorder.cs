using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Ledger.Writing;

namespace AuditPortal.Reading;

/// <summary>
/// Records every read of audited data as an `access` event before the data is handed out: if the
/// ledger cannot record the access, the read fails instead of going unrecorded.
/// </summary>
public sealed class AccessRecorder(PortalEventRecorder recorder)
{
    public Task RecordAsync(ActorRef reader, string action, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken)
    {
        var attributes = new JsonObject { ["action"] = action };
        foreach (var (key, value) in details.Take(63)) attributes[key] = value.Length <= 4096 ? value : value[..4096];
        return recorder.RecordAsync(EventTypes.Access, reader, attributes, cancellationToken);
    }
}
