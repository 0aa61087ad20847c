using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditPortal.Features.Events;

/// <summary>
/// The body of <c>GET /api/v1/events</c>, for the OpenAPI document and for clients: a page of stored
/// envelopes, newest first. <see cref="EventPageResult"/> writes exactly this shape.
/// </summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record EventPageResponse(IReadOnlyList<EventItem> Events, string? NextCursor);

/// <summary>
/// One envelope as stored (DESIGN.md §4, docs/ledger-format.md) plus <c>leafHash</c>; with
/// <c>includeContent=true</c> also the content, or <c>contentPurged</c> and <c>purgedBy</c>. Fields of other event types
/// (sessionId, traceId, spanId, attributes, usage, …) are in <see cref="Other"/>.
/// </summary>
public sealed record EventItem
{
    /// <summary>Envelope format version.</summary>
    public int V { get; init; }
    /// <summary>Position in the log (the Merkle leaf index).</summary>
    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string Type { get; init; }
    /// <summary>RFC 3339, UTC, seven fractional digits.</summary>
    public required string OccurredAt { get; init; }
    public required string RecordedAt { get; init; }
    public required EventActor Actor { get; init; }
    /// <summary>The service account that submitted the event.</summary>
    public required EventActor SubmittedBy { get; init; }
    /// <summary>Commitment to the content: "sha256:" and lowercase hex.</summary>
    public required string Content { get; init; }
    public string? Application { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public EventPrompt? Prompt { get; init; }
    /// <summary>RFC 9162 leaf hash of the envelope bytes, lowercase hex.</summary>
    public required string LeafHash { get; init; }
    /// <summary>The content (canonical JSON), only with includeContent=true; null once purged.</summary>
    public JsonElement? DisclosedContent { get; init; }
    /// <summary>The commitment's salt, lowercase hex, only with disclosed content.</summary>
    public string? ContentSalt { get; init; }
    /// <summary>True when includeContent=true but retention has purged the content.</summary>
    public bool? ContentPurged { get; init; }
    /// <summary>With <see cref="ContentPurged"/>: the retention tombstone that purged it, or reason "none" when none covers it (tampering; run verify).</summary>
    public ContentPurge? PurgedBy { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; init; }
}

public sealed record EventActor(string Id, string Kind, string? DisplayName);

public sealed record EventPrompt(string Name, int Version, int? ParentVersion);
