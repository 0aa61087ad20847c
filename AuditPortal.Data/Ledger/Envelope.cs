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
            if (LedgerFields.Contains(field.Key))
                throw new ArgumentException($"Envelope field \"{field.Key}\" is set by the ledger, not by the event.");
            properties.Add(new(field.Key, field.Value));
        }
        var buffer = ScratchBuffer.Take();
        try
        {
            CanonicalJson.WriteObject(properties, buffer);
            return new OpenEnvelope(buffer.WrittenSpan.ToArray(), sequence.Offset, recordedAt.Offset);
        }
        finally
        {
            ScratchBuffer.Give(buffer);
        }
    }

    // The members Template sets itself; an event's fields must not replace them.
    private static readonly HashSet<string> LedgerFields = new(StringComparer.Ordinal)
    {
        "v", "sequence", "id", "type", "occurredAt", "recordedAt", "actor", "submittedBy", "content",
    };

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

    /// <summary>The width of the search text column; <see cref="EnvelopeSearchText"/> derives its value.</summary>
    public const int MaxSearchText = 4000;
}
