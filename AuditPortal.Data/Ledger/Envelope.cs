using System.Buffers;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>The search text of a stored envelope; equal to <see cref="SearchText(EventDraft)"/> of its draft.</summary>
    public static string SearchText(ReadOnlySpan<byte> envelope)
    {
        var root = JsonNode.Parse(envelope) as JsonObject ?? throw new FormatException("The envelope is not a JSON object.");
        var actor = root["actor"] as JsonObject;
        var values = new List<string> { Text(root["id"]), Text(root["type"]), Text(actor?["id"]), Text((root["submittedBy"] as JsonObject)?["id"]) };
        if (actor?["displayName"] is { } displayName) values.Add(Text(displayName));
        foreach (var property in root.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!LedgerKeys.Contains(property.Key)) CollectStrings(property.Value, values);
        return Join(values);

        static string Text(JsonNode? node) => node?.GetValue<string>() ?? throw new FormatException("The envelope lacks a field every envelope has.");
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
