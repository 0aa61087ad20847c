using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Reading;

/// <summary>
/// The access log: the ledger's <c>access</c> events, with the timeline's filters (actor is the
/// reader), paging and envelope checks. Reading the access log is itself an access event.
/// </summary>
public sealed class AccessLogService(TimelineService timeline)
{
    /// <param name="query">Timeline filters; its type, if any, is replaced by access.</param>
    public async Task<AccessLogPage> ReadAsync(EventQuery query, ActorRef reader, string via, CancellationToken cancellationToken,
        bool withCount = false)
    {
        var page = await timeline.ReadAsync(query with { Type = EventTypes.Access, IncludeContent = false }, reader, "access.query", via, withCount,
            cancellationToken);
        return new AccessLogPage([.. page.Rows.Select(Entry)], page.Next, page.Count);
    }

    private static AccessLogEntry Entry(TimelineRow row)
    {
        var attributes = JsonNode.Parse(row.Envelope)?["attributes"] as JsonObject;
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes ?? [])
            if (key != "action" && value is JsonValue v) details[key] = v.ToString();
        var facts = row.Facts;
        return new AccessLogEntry(row.Sequence, facts.OccurredAtUtc, new ActorRef(facts.ActorId, facts.ActorKind, facts.ActorDisplayName),
            (string?)attributes?["action"] ?? "", details, row.LeafHashHex);
    }
}

public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Entries, EventCursor? Next, long? Count);

/// <param name="Reader">Who read.</param>
/// <param name="Action">What was read, e.g. events.query, events.view, proofs.inclusion, prompts.history.</param>
/// <param name="Details">The rest of the access event's attributes: filters, result counts, via.</param>
public sealed record AccessLogEntry(long Sequence, DateTime OccurredAtUtc, ActorRef Reader, string Action,
    IReadOnlyDictionary<string, string> Details, string LeafHash);
