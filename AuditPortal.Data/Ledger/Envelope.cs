using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// Renders the envelope, the canonical JSON that is the Merkle leaf. Version 1 holds the draft's
/// fields plus <c>v</c>, <c>sequence</c>, <c>recordedAt</c>, <c>submittedBy</c> and the content
/// commitment <c>"content":"sha256:&lt;hex&gt;"</c>. Binding the sequence into the leaf lets the
/// verifier name a row that was moved.
/// </summary>
public static class Envelope
{
    public const int Version = 1;
    private static readonly byte[] ContentDomain = Encoding.ASCII.GetBytes("auditportal/content/v1\0");

    public static byte[] Render(EventDraft draft, long sequence, DateTime recordedAtUtc, ReadOnlySpan<byte> commitment) =>
        Template(draft, commitment).Render(sequence, recordedAtUtc);

    /// <summary>The envelope with its two ledger-assigned values, <c>sequence</c> and <c>recordedAt</c>, left open.</summary>
    internal static OpenEnvelope Template(EventDraft draft, ReadOnlySpan<byte> commitment)
    {
        var sequence = new Hole();
        var recordedAt = new Hole();
        var properties = new List<KeyValuePair<string, JsonNode?>>(draft.Fields.Count + 10)
        {
            new("v", Version),
            new("sequence", sequence.AsValue()),
            new("id", draft.EventId),
            new("type", draft.Type),
            new("occurredAt", Timestamps.ToCanonical(draft.OccurredAtUtc)),
            new("recordedAt", recordedAt.AsValue()),
            new("actor", draft.Actor.ToJson()),
            new("submittedBy", draft.SubmittedBy.ToJson()),
            new("content", "sha256:" + Convert.ToHexStringLower(commitment)),
        };
        foreach (var field in draft.Fields)
        {
            if (properties.Any(p => p.Key == field.Key))
                throw new ArgumentException($"Envelope field \"{field.Key}\" is set by the ledger, not by the event.");
            properties.Add(new(field.Key, field.Value));
        }
        var buffer = new ArrayBufferWriter<byte>(512);
        CanonicalJson.WriteObject(properties, buffer);
        return new OpenEnvelope(buffer.WrittenSpan.ToArray(), sequence.Offset, recordedAt.Offset);
    }

    /// <summary>SHA-256("auditportal/content/v1\0" ‖ salt ‖ canonical content bytes).</summary>
    public static byte[] Commitment(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> content)
    {
        var length = ContentDomain.Length + salt.Length + content.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var input = rented.AsSpan(0, length);
        ContentDomain.CopyTo(input);
        salt.CopyTo(input[ContentDomain.Length..]);
        content.CopyTo(input[(ContentDomain.Length + salt.Length)..]);
        var hash = SHA256.HashData(input);
        ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    /// <summary>
    /// Lower-cased string values of the envelope, for the timeline's text search: the id, type, actor
    /// id, submitter id and actor display name, then every string inside the event's own fields in
    /// canonical order (keys sorted, as in the envelope), so that <see cref="SearchText(ReadOnlySpan{byte})"/>
    /// derives the same text from the stored envelope and the verifier can check it.
    /// </summary>
    public static string SearchText(EventDraft draft)
    {
        var values = new List<string> { draft.EventId, draft.Type, draft.Actor.Id, draft.SubmittedBy.Id };
        if (draft.Actor.DisplayName is not null) values.Add(draft.Actor.DisplayName);
        foreach (var field in draft.Fields.OrderBy(f => f.Key, StringComparer.Ordinal)) CollectStrings(field.Value, values);
        return Join(values);
    }

    /// <summary>
    /// The search text of a stored envelope; equal to <see cref="SearchText(EventDraft)"/> of its draft.
    /// Read with <see cref="Utf8JsonReader"/>, without building a document: verify runs it on every
    /// entry. Canonical envelopes have sorted keys at every level, so document order is canonical order.
    /// </summary>
    public static string SearchText(ReadOnlySpan<byte> envelope)
    {
        string? id = null, type = null, actorId = null, displayName = null, submitter = null;
        var fieldValues = new List<string>();
        var reader = new Utf8JsonReader(envelope);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("The envelope is not a JSON object.");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "id": id = reader.GetString(); break;
                case "type": type = reader.GetString(); break;
                case "actor": (actorId, displayName) = ReadActor(ref reader); break;
                case "submittedBy": (submitter, _) = ReadActor(ref reader); break;
                default:
                    if (LedgerKeys.Contains(key)) reader.Skip();
                    else CollectStrings(ref reader, fieldValues);
                    break;
            }
        }
        if (id is null || type is null || actorId is null || submitter is null) throw new FormatException("The envelope lacks a field every envelope has.");
        var values = new List<string>(fieldValues.Count + 5) { id, type, actorId, submitter };
        if (displayName is not null) values.Add(displayName);
        values.AddRange(fieldValues);
        return Join(values);

        static (string? Id, string? DisplayName) ReadActor(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new FormatException("An actor is not an object.");
            string? actorId = null, name = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                if (key == "id") actorId = reader.GetString();
                else if (key == "displayName") name = reader.GetString();
                else reader.Skip();
            }
            return (actorId, name);
        }

        // Every string value inside the current value (not property names), in document order.
        static void CollectStrings(ref Utf8JsonReader reader, List<string> values)
        {
            if (reader.TokenType == JsonTokenType.String) { values.Add(reader.GetString()!); return; }
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
            var depth = reader.CurrentDepth;
            while (reader.Read() && reader.CurrentDepth > depth)
                if (reader.TokenType == JsonTokenType.String) values.Add(reader.GetString()!);
        }
    }

    /// <summary>Envelope keys the ledger sets (<see cref="Template"/>); everything else is the event's own fields.</summary>
    private static readonly HashSet<string> LedgerKeys = new(StringComparer.Ordinal)
        { "v", "sequence", "id", "type", "occurredAt", "recordedAt", "actor", "submittedBy", "content" };

    private static string Join(List<string> values)
    {
        var text = string.Join('\n', values).ToLowerInvariant();
        return text.Length <= MaxSearchText ? text : text[..MaxSearchText];
    }

    public const int MaxSearchText = 4000;

    private static void CollectStrings(JsonNode? node, List<string> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj.OrderBy(p => p.Key, StringComparer.Ordinal)) CollectStrings(property.Value, values);
                break;
            case JsonArray array:
                foreach (var item in array) CollectStrings(item, values);
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                values.Add(s);
                break;
        }
    }
}
