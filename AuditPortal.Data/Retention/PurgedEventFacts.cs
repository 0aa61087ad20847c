using System.Globalization;
using System.Text.Json;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Data.Retention;

/// <summary>What retention decides on, read from an event's signed envelope.</summary>
public sealed record PurgedEventFacts(long Sequence, string Type, string? Application, string? Model, string ActorId, string? PromptName, DateTime OccurredAtUtc)
{
    /// <summary>The facts of an envelope, or null when its bytes are not a readable envelope (verify names that on its own).</summary>
    public static PurgedEventFacts? TryRead(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            var root = document.RootElement;
            string? Text(JsonElement parent, string name) =>
                parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var prompt = root.TryGetProperty("prompt", out var p) ? p : default;
            return new PurgedEventFacts(
                root.GetProperty("sequence").GetInt64(),
                root.GetProperty("type").GetString()!,
                Text(root, "application"),
                Text(root, "model"),
                root.GetProperty("actor").GetProperty("id").GetString()!,
                prompt.ValueKind == JsonValueKind.Object ? Text(prompt, "name") : null,
                DateTime.ParseExact(root.GetProperty("occurredAt").GetString()!, Timestamps.CanonicalFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
