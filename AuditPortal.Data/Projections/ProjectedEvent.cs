using System.Globalization;
using System.Text.Json;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>
/// The envelope fields that the read models (prompt versions, API keys) and retention's judgement of a
/// purge are read from: the stored envelope bytes, never the copy columns beside them.
/// </summary>
public sealed record ProjectedEvent(
    long Sequence,
    string EventId,
    string Type,
    DateTime OccurredAtUtc,
    string ActorId,
    ActorRef SubmittedBy,
    string? PromptName,
    int? PromptVersion,
    int? PromptParentVersion,
    IReadOnlyDictionary<string, string> Attributes,
    string? Application = null,
    string? Model = null)
{
    /// <summary>The envelope's fields, or null when the bytes are not a readable envelope.</summary>
    public static ProjectedEvent? TryRead(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            int? promptVersion = null, parentVersion = null;
            string? promptName = null;
            if (root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.Object)
            {
                promptName = prompt.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                promptVersion = prompt.TryGetProperty("version", out var v) && v.TryGetInt32(out var version) ? version : null;
                parentVersion = prompt.TryGetProperty("parentVersion", out var p) && p.TryGetInt32(out var parent) ? parent : null;
            }
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
                foreach (var attribute in attrs.EnumerateObject())
                    attributes[attribute.Name] = attribute.Value.ValueKind == JsonValueKind.String ? attribute.Value.GetString()! : attribute.Value.GetRawText();
            return new ProjectedEvent(
                root.GetProperty("sequence").GetInt64(),
                root.GetProperty("id").GetString()!,
                root.GetProperty("type").GetString()!,
                DateTime.ParseExact(root.GetProperty("occurredAt").GetString()!, Timestamps.CanonicalFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                root.GetProperty("actor").GetProperty("id").GetString()!,
                new ActorRef(root.GetProperty("submittedBy").GetProperty("id").GetString()!, root.GetProperty("submittedBy").GetProperty("kind").GetString()!),
                promptName, promptVersion, parentVersion, attributes, Text("application"), Text("model"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
