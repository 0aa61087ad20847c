using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using AuditPortal.Redaction;

namespace AuditPortal.EventBatches;

/// <summary>
/// Turns a request body into validated event drafts, or into errors naming every offending field.
/// All-or-nothing: one bad event rejects the batch, so callers never store a partial batch.
/// </summary>
public sealed class EventBatchParser(TimeProvider time, ContentRedactor redactor)
{
    public const int MaxEvents = 1000;
    public const long MaxBodyBytes = 10 * 1024 * 1024;
    private const int MaxTextLength = 1_000_000;
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromHours(24);

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Duplicates are found by JsonObjectReader, which can name the field; the parser cannot.
        AllowDuplicateProperties = true,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    private static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };
    private static readonly IReadOnlySet<string> BodyFields = new HashSet<string>(StringComparer.Ordinal) { "events" };
    private static readonly IReadOnlySet<string> ActorFields = new HashSet<string>(StringComparer.Ordinal) { "id", "kind", "displayName" };
    private static readonly IReadOnlySet<string> UsageFields = new HashSet<string>(StringComparer.Ordinal) { "inputTokens", "outputTokens" };
    private static readonly IReadOnlySet<string> MessageFields = new HashSet<string>(StringComparer.Ordinal) { "role", "content", "name" };
    private static readonly IReadOnlySet<string> PromptCreatedFields = new HashSet<string>(StringComparer.Ordinal) { "name", "version", "template", "parentVersion", "changeNote" };
    private static readonly IReadOnlySet<string> PromptReferenceFields = new HashSet<string>(StringComparer.Ordinal) { "name", "version" };
    private static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "ok", "error" };

    public BatchParseResult Parse(ReadOnlyMemory<byte> body, ActorRef submittedBy)
    {
        var errors = new FieldErrors();
        if (!Utf8.IsValid(body.Span))
        {
            errors.Add("", "the body is not valid UTF-8");
            return BatchParseResult.Invalid(errors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            var (path, message) = JsonErrorLocator.Locate(body.Span, new JsonReaderOptions
            {
                AllowTrailingCommas = DocumentOptions.AllowTrailingCommas,
                CommentHandling = DocumentOptions.CommentHandling,
                MaxDepth = DocumentOptions.MaxDepth,
            });
            errors.Add(path, message);
            return BatchParseResult.Invalid(errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("", "the body must be a JSON object {\"events\":[…]}");
                return BatchParseResult.Invalid(errors);
            }
            CheckPropertyNames(body.Span, root, errors);
            if (errors.Any) return BatchParseResult.Invalid(errors);
            var reader = new JsonObjectReader(root, "", errors);
            reader.RejectUnknown(BodyFields);
            var items = reader.ArrayOfObjects("events", required: true, minItems: 1, maxItems: MaxEvents);
            if (items is null) return BatchParseResult.Invalid(errors);

            // One clock read a batch: on this machine's clock source a read is a system call, and it was
            // ~9 % of parsing when taken per event. A batch parses in milliseconds, far inside the tolerance.
            var latestAccepted = time.GetUtcNow() + FutureTolerance;
            var events = new List<IncomingEvent>(items.Count);
            var seen = new Dictionary<string, string>(items.Count, StringComparer.Ordinal);
            foreach (var item in items)
            {
                var before = errors.Count;
                var parsed = ParseEvent(item, submittedBy, latestAccepted);
                if (parsed is null || errors.Count != before) continue;
                if (seen.TryGetValue(parsed.Draft.EventId, out var first))
                {
                    errors.Add(item.At("id"), $"repeats the id of {first}; each event in a batch needs its own id");
                    continue;
                }
                seen[parsed.Draft.EventId] = item.Path;
                events.Add(parsed);
            }
            return errors.Any ? BatchParseResult.Invalid(errors) : BatchParseResult.Valid(events);
        }
    }

    private IncomingEvent? ParseEvent(JsonObjectReader e, ActorRef submittedBy, DateTimeOffset latestAccepted)
    {
        var id = e.String("id", required: true, FieldLimits.EventId);
        var type = e.String("type", required: true, FieldLimits.Type);
        if (type is not null && EventTypes.Reserved.Contains(type))
        {
            e.Errors.Add(e.At("type"), $"{type} is reserved for the portal itself and cannot be sent");
            type = null;
        }
        else if (type is not null && !EventTypes.Known.Contains(type) && !EventTypes.IsCustom(type))
        {
            e.Errors.Add(e.At("type"), $"is not a known event type; use one of {string.Join(", ", EventTypes.Known)} or x-<name> for custom events");
            type = null;
        }
        e.RejectUnknown(EventTypes.AllowedFields(type ?? EventTypes.Access));

        var occurredAt = OccurredAt(e, latestAccepted);
        var actor = Actor(e);
        // Sized for an llm.call with every optional field, so that it never grows.
        var fields = new Dictionary<string, JsonNode>(16, StringComparer.Ordinal);
        AddString(e, fields, "application", FieldLimits.Name);
        AddString(e, fields, "sessionId", 128);
        AddString(e, fields, "traceId", 128);
        AddString(e, fields, "spanId", 128);
        if (e.FlatMap("attributes", maxProperties: 64, maxKeyLength: 128, maxValueLength: 4096) is { } attributes)
            fields["attributes"] = attributes;

        var content = new EventContent();
        PromptReference? prompt = null;
        switch (type)
        {
            case EventTypes.LlmCall:
                prompt = LlmCall(e, fields, content);
                break;
            case EventTypes.PromptCreated:
                prompt = PromptCreated(e, fields, content);
                break;
            case EventTypes.PromptApproved or EventTypes.PromptRejected or EventTypes.PromptPublished:
                prompt = PromptRef(e, fields, required: true);
                if (e.String("comment", required: false, 4096, multiline: true) is { } comment) content.Add("comment", comment);
                break;
        }

        if (id is null || type is null || occurredAt is null || actor is null) return null;
        // Personal data and secrets leave the content before it is committed; the envelope says what was found.
        if (content.Redact(redactor) is { } redactions)
            fields["redactions"] = new JsonObject(redactions.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
        var draft = new EventDraft
        {
            EventId = id,
            Type = type,
            OccurredAtUtc = occurredAt.Value.UtcDateTime,
            Actor = actor,
            SubmittedBy = submittedBy,
            Fields = fields,
            Content = CanonicalJson.Serialize(content),
        };
        return new IncomingEvent(draft, prompt, e.Path);
    }

    private static DateTimeOffset? OccurredAt(JsonObjectReader e, DateTimeOffset latestAccepted)
    {
        var text = e.String("occurredAt", required: true, 64);
        if (text is null) return null;
        if (!Rfc3339.TryParse(text, out var value, out var error)) { e.Errors.Add(e.At("occurredAt"), error!); return null; }
        if (value.Year < 1970) { e.Errors.Add(e.At("occurredAt"), "must not be before 1970"); return null; }
        if (value > latestAccepted) { e.Errors.Add(e.At("occurredAt"), "is more than 24 hours in the future"); return null; }
        return value;
    }

    private static ActorRef? Actor(JsonObjectReader e)
    {
        if (e.Object("actor", required: true) is not { } actor) return null;
        actor.RejectUnknown(ActorFields);
        var id = actor.String("id", required: true, FieldLimits.ActorId);
        // Normalised here, before anything compares or stores it: the envelope, the filters and the
        // four-eyes rule (PromptRegistry) all see this one form.
        if (id is not null)
        {
            if (ActorIds.TryNormalize(id, out var normalized, out var error)) id = normalized;
            else
            {
                actor.Errors.Add(actor.At("id"), error!);
                id = null;
            }
        }
        var kind = actor.OneOf("kind", required: true, ActorKinds.All);
        var displayName = actor.String("displayName", required: false, FieldLimits.DisplayName);
        return id is null || kind is null ? null : new ActorRef(id, kind, displayName);
    }

    private static PromptReference? LlmCall(JsonObjectReader e, Dictionary<string, JsonNode> fields, EventContent content)
    {
        AddString(e, fields, "model", FieldLimits.Name, required: true);
        AddString(e, fields, "provider", 64, required: true);
        AddString(e, fields, "responseModel", FieldLimits.Name);
        if (e.OneOf("status", required: true, Statuses) is { } status) fields["status"] = status;
        if (e.Integer("latencyMs", required: false, 0, 86_400_000) is { } latency) fields["latencyMs"] = latency;
        if (e.Object("usage", required: false) is { } usage)
        {
            usage.RejectUnknown(UsageFields);
            var node = new JsonObject();
            if (usage.Integer("inputTokens", required: false, 0, 100_000_000) is { } input) node["inputTokens"] = input;
            if (usage.Integer("outputTokens", required: false, 0, 100_000_000) is { } output) node["outputTokens"] = output;
            fields["usage"] = node;
        }
        var prompt = PromptRef(e, fields, required: false);

        if (Messages(e, "input", required: true, minItems: 1) is { } inputMessages) content.Add("input", inputMessages);
        if (Messages(e, "output", required: true, minItems: 0) is { } outputMessages) content.Add("output", outputMessages);
        if (e.FlatMembers("parameters", maxProperties: 64, maxKeyLength: 128, maxValueLength: 4096) is { } parameters) content.Add("parameters", parameters);
        if (e.String("error", required: false, 65_536, multiline: true) is { } error) content.Add("error", error);
        return prompt;
    }

    private static List<ContentMessage>? Messages(JsonObjectReader e, string name, bool required, int minItems)
    {
        var items = e.ArrayOfObjects(name, required, minItems, maxItems: 10_000);
        if (items is null) return null;
        var messages = new List<ContentMessage>(items.Count);
        foreach (var item in items)
        {
            item.RejectUnknown(MessageFields);
            messages.Add(new ContentMessage
            {
                Role = item.OneOf("role", required: true, Roles),
                Content = item.String("content", required: true, MaxTextLength, multiline: true),
                Name = item.String("name", required: false, 256),
            });
        }
        return messages;
    }

    private static PromptReference? PromptCreated(JsonObjectReader e, Dictionary<string, JsonNode> fields, EventContent content)
    {
        if (e.Object("prompt", required: true) is not { } prompt) return null;
        prompt.RejectUnknown(PromptCreatedFields);
        var name = prompt.String("name", required: true, FieldLimits.Name);
        var version = prompt.Integer("version", required: true, 1, 1_000_000);
        var parent = prompt.Integer("parentVersion", required: false, 1, 1_000_000);
        if (parent is not null && version is not null && parent >= version)
            prompt.Errors.Add(prompt.At("parentVersion"), "must be an earlier version than version");
        if (prompt.String("template", required: true, MaxTextLength, multiline: true) is { } template) content.Add("template", template);
        if (prompt.String("changeNote", required: false, 4096, multiline: true) is { } note) content.Add("changeNote", note);
        if (name is null || version is null) return null;

        var node = new JsonObject { ["name"] = name, ["version"] = version.Value };
        if (parent is not null) node["parentVersion"] = parent.Value;
        fields["prompt"] = node;
        return new PromptReference(name, (int)version.Value, (int?)parent);
    }

    private static PromptReference? PromptRef(JsonObjectReader e, Dictionary<string, JsonNode> fields, bool required)
    {
        if (e.Object("prompt", required) is not { } prompt) return null;
        prompt.RejectUnknown(PromptReferenceFields);
        var name = prompt.String("name", required: true, FieldLimits.Name);
        var version = prompt.Integer("version", required: true, 1, 1_000_000);
        if (name is null || version is null) return null;
        fields["prompt"] = new JsonObject { ["name"] = name, ["version"] = version.Value };
        return new PromptReference(name, (int)version.Value);
    }

    private static void AddString(JsonObjectReader e, Dictionary<string, JsonNode> fields, string name, int maxLength, bool required = false)
    {
        if (e.String(name, required, maxLength) is { } value) fields[name] = value;
    }

    /// <summary>
    /// Reports property names that are escaped lone surrogates ("\ud800"), at the object holding them.
    /// System.Text.Json throws InvalidOperationException for such names on JsonProperty.Name and on
    /// TryGetProperty, so they must be found before the document is read field by field. Paths are
    /// only built on the rare second pass, when a bad name exists.
    /// </summary>
    private static void CheckPropertyNames(ReadOnlySpan<byte> body, JsonElement root, FieldErrors errors)
    {
        // The body is valid UTF-8, which has no surrogates, so a lone one can only be written as a
        // \uD800–\uDFFF escape; without such an escape anywhere in the body, no name needs decoding to
        // be checked. (Other escapes are common: System.Text.Json writes '+' as \u002B.)
        if (!HasSurrogateEscape(body)) return;
        if (HasBadPropertyName(root)) ReportBadPropertyNames(root, "", errors);
    }

    /// <summary>True when the body holds "\\uD8xx" to "\\uDFxx" (any case); an escaped backslash before a "u" also counts, harmlessly.</summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> body)
    {
        for (var at = body.IndexOf("\\u"u8); at >= 0; at = body.IndexOf("\\u"u8))
        {
            if (at + 3 < body.Length && (body[at + 2] | 0x20) == 'd' && (body[at + 3] is (byte)'8' or (byte)'9' || (body[at + 3] | 0x20) is >= 'a' and <= 'f'))
                return true;
            body = body[(at + 2)..];
        }
        return false;
    }

    private static bool HasBadPropertyName(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    try { _ = property.Name; }
                    catch (InvalidOperationException) { return true; }
                    if (HasBadPropertyName(property.Value)) return true;
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (HasBadPropertyName(item)) return true;
                return false;
            default:
                return false;
        }
    }

    private static void ReportBadPropertyNames(JsonElement element, string path, FieldErrors errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException)
                    {
                        errors.Add(path, "has a field name that is not valid Unicode (lone surrogate)");
                        continue;
                    }
                    ReportBadPropertyNames(property.Value, path.Length == 0 ? name : $"{path}.{name}", errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) ReportBadPropertyNames(item, $"{path}[{i++}]", errors);
                break;
        }
    }
}

public sealed record BatchParseResult(IReadOnlyList<IncomingEvent> Events, FieldErrors Errors)
{
    public bool IsValid => !Errors.Any;
    public static BatchParseResult Valid(IReadOnlyList<IncomingEvent> events) => new(events, new FieldErrors());
    public static BatchParseResult Invalid(FieldErrors errors) => new([], errors);
}
