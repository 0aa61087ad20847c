using System.Globalization;
using System.Text.Json;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Reading;

/// <summary>
/// The fields of a signed envelope that reads filter and display by, read from the envelope bytes
/// themselves. The copy columns a query selects on are for finding rows fast; these are what the
/// ledger actually says, so a row is only served when these agree with the filter.
/// </summary>
public sealed record EnvelopeFacts(
    long Sequence, string Id, string Type, DateTime OccurredAtUtc, DateTime RecordedAtUtc,
    string ActorId, string ActorKind, string? ActorDisplayName,
    string? Application, string? Model, string? PromptName, int? PromptVersion)
{
    /// <returns>The facts, or null when the bytes are not a readable envelope (verify names such rows).</returns>
    public static EnvelopeFacts? TryRead(ReadOnlySpan<byte> envelope)
    {
        long? sequence = null;
        string? id = null, type = null, actorId = null, actorKind = null, actorName = null, application = null, model = null, promptName = null;
        DateTime? occurredAt = null, recordedAt = null;
        int? promptVersion = null;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "sequence" when reader.TokenType == JsonTokenType.Number: sequence = reader.GetInt64(); break;
                    case "id": id = String(ref reader); break;
                    case "type": type = String(ref reader); break;
                    case "occurredAt": occurredAt = Time(String(ref reader)); break;
                    case "recordedAt": recordedAt = Time(String(ref reader)); break;
                    case "application": application = String(ref reader); break;
                    case "model": model = String(ref reader); break;
                    case "actor" when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var field = reader.GetString();
                            reader.Read();
                            if (field == "id") actorId = String(ref reader);
                            else if (field == "kind") actorKind = String(ref reader);
                            else if (field == "displayName") actorName = String(ref reader);
                            else reader.Skip();
                        }
                        break;
                    case "prompt" when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var field = reader.GetString();
                            reader.Read();
                            if (field == "name") promptName = String(ref reader);
                            else if (field == "version" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v)) promptVersion = v;
                            else reader.Skip();
                        }
                        break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        if (sequence is null || id is null || type is null || occurredAt is null || recordedAt is null || actorId is null || actorKind is null) return null;
        return new EnvelopeFacts(sequence.Value, id, type, occurredAt.Value, recordedAt.Value, actorId, actorKind, actorName,
            application, model, promptName, promptVersion);
    }

    private static string? String(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }

    private static DateTime? Time(string? text) =>
        text is not null && DateTime.TryParseExact(text, Timestamps.CanonicalFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? DateTime.SpecifyKind(value, DateTimeKind.Utc)
            : null;
}
