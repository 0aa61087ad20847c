using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AuditPortal.EventBatches;

// These records only describe the request body in the OpenAPI document; the endpoint reads the raw
// bytes itself (EventBatchParser), because strict validation needs more than a deserializer gives.

[Description("A batch of 1–1000 events, at most 10 MiB.")]
public sealed record EventBatchDocument([property: JsonRequired] IReadOnlyList<EventDocument> Events);

[Description("One event. Which of the optional fields apply depends on type (see docs/api.md).")]
public sealed record EventDocument(
    [property: JsonRequired, Description("Unique among the submitting service's events, at most 128 characters; resending it is idempotent.")] string Id,
    [property: JsonRequired, Description("llm.call, prompt.version.created|approved|rejected|published, access, config.changed or x-<custom>.")] string Type,
    [property: JsonRequired, Description("RFC 3339 date-time with offset.")] string OccurredAt,
    [property: JsonRequired] ActorDocument Actor,
    string? Application,
    string? SessionId,
    string? TraceId,
    string? SpanId,
    [property: Description("Flat object of string, number and boolean values.")] IReadOnlyDictionary<string, object>? Attributes,
    string? Model,
    [property: Description("OpenTelemetry gen_ai.provider.name, e.g. openai, azure.openai, anthropic.")] string? Provider,
    string? ResponseModel,
    PromptDocument? Prompt,
    IReadOnlyList<MessageDocument>? Input,
    IReadOnlyList<MessageDocument>? Output,
    IReadOnlyDictionary<string, object>? Parameters,
    UsageDocument? Usage,
    long? LatencyMs,
    [property: Description("ok or error")] string? Status,
    string? Error,
    string? Comment);

public sealed record ActorDocument(
    [property: JsonRequired, Description("Stored trimmed and in Unicode NFC, lower-cased when e-mail-like; no control, format or bidi characters (docs/api.md).")] string Id,
    [property: JsonRequired, Description("user, service or system")] string Kind,
    string? DisplayName);

public sealed record PromptDocument(
    [property: JsonRequired] string Name,
    [property: JsonRequired] int Version,
    string? Template,
    int? ParentVersion,
    string? ChangeNote);

public sealed record MessageDocument(
    [property: JsonRequired, Description("system, developer, user, assistant or tool")] string Role,
    [property: JsonRequired] string Content,
    string? Name);

public sealed record UsageDocument(long? InputTokens, long? OutputTokens);
