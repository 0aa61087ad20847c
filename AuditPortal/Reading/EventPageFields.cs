using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditPortal.Reading;

/// <summary>
/// What the event page shows beyond <see cref="EnvelopeFacts"/>: the envelope's other fields and the disclosed
/// content, read from the stored bytes. Every value stays a plain string; the page renders them as text only.
/// </summary>
public sealed record EventPageFields(
    string? Provider, string? ResponseModel, string? Status, long? LatencyMs, long? InputTokens, long? OutputTokens,
    string? SubmittedById, string? SubmittedByKind, string? SessionId, string? TraceId, string? SpanId,
    IReadOnlyList<KeyValuePair<string, string>> Attributes, string? ContentCommitment, string? PrettyEnvelope)
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // The page escapes for HTML itself; JSON escapes of '<' or '&' would only make the text harder to read.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static EventPageFields Read(byte[] envelope)
    {
        JsonObject? root;
        try { root = JsonNode.Parse(envelope) as JsonObject; }
        catch (JsonException) { root = null; }
        if (root is null) return new EventPageFields(null, null, null, null, null, null, null, null, null, null, null, [], null, null);

        var usage = root["usage"] as JsonObject;
        var submittedBy = root["submittedBy"] as JsonObject;
        return new EventPageFields(
            Text(root["provider"]), Text(root["responseModel"]), Text(root["status"]), Integer(root["latencyMs"]),
            Integer(usage?["inputTokens"]), Integer(usage?["outputTokens"]),
            Text(submittedBy?["id"]), Text(submittedBy?["kind"]),
            Text(root["sessionId"]), Text(root["traceId"]), Text(root["spanId"]),
            FlatMap(root["attributes"]), Text(root["content"]), root.ToJsonString(Pretty));
    }

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>A flat object (attributes, parameters) as name and value text; nested values print as JSON.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> FlatMap(JsonNode? node) =>
        node is JsonObject map
            ? [.. map.Select(p => new KeyValuePair<string, string>(p.Key, Scalar(p.Value)))]
            : [];

    internal static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(Pretty),
    };

    internal static string PrettyJson(JsonNode node) => node.ToJsonString(Pretty);
}

/// <summary>The disclosed content of an event: a call's conversation, parameters and error, a prompt's template and note, a decision's comment.</summary>
/// <param name="Other">Any other top-level content fields, pretty JSON, so nothing disclosed is hidden.</param>
/// <param name="Unreadable">The content bytes are not a JSON object; the raw text is shown instead.</param>
public sealed record EventPageContent(
    IReadOnlyList<ChatMessage> Input, IReadOnlyList<ChatMessage> Output, IReadOnlyList<KeyValuePair<string, string>> Parameters,
    string? Error, string? Template, string? ChangeNote, string? Comment, IReadOnlyList<KeyValuePair<string, string>> Other, string? Unreadable)
{
    private static readonly HashSet<string> Known = ["input", "output", "parameters", "error", "template", "changeNote", "comment"];

    public bool IsEmpty => Input.Count == 0 && Output.Count == 0 && Parameters.Count == 0 && Error is null && Template is null &&
        ChangeNote is null && Comment is null && Other.Count == 0 && Unreadable is null;

    public static EventPageContent Read(string text)
    {
        JsonObject? root;
        try { root = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { root = null; }
        if (root is null) return new EventPageContent([], [], [], null, null, null, null, [], text);

        return new EventPageContent(Messages(root["input"]), Messages(root["output"]), EventPageFields.FlatMap(root["parameters"]),
            EventPageFields.Text(root["error"]), EventPageFields.Text(root["template"]), EventPageFields.Text(root["changeNote"]),
            EventPageFields.Text(root["comment"]),
            [.. root.Where(p => !Known.Contains(p.Key)).Select(p => new KeyValuePair<string, string>(p.Key, EventPageFields.Scalar(p.Value)))],
            null);
    }

    private static IReadOnlyList<ChatMessage> Messages(JsonNode? node) =>
        node is JsonArray items
            ? [.. items.Select(m => m is JsonObject message
                ? new ChatMessage(EventPageFields.Text(message["role"]) ?? "?", EventPageFields.Text(message["name"]),
                    EventPageFields.Text(message["content"]) ?? EventPageFields.Scalar(message["content"]))
                : new ChatMessage("?", null, EventPageFields.Scalar(m)))]
            : [];
}

public sealed record ChatMessage(string Role, string? Name, string Text);
