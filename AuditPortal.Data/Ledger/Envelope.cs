using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Hashing;

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
        // The event's fields in canonical (ordinal) order, merged with the ledger's own members, whose
        // keys are sorted already (LedgerMembers): the same bytes CanonicalJson.WriteObject gives for
        // all of them together, without building JsonObjects for the actors or a list of every member.
        var fields = new KeyValuePair<string, JsonNode>[draft.Fields.Count];
        var count = 0;
        foreach (var field in draft.Fields)
        {
            if (LedgerFields.Contains(field.Key))
                throw new ArgumentException($"Envelope field \"{field.Key}\" is set by the ledger, not by the event.");
            fields[count++] = field;
        }
        Array.Sort(fields, static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        var buffer = ScratchBuffer.Take();
        try
        {
            int sequenceOffset = -1, recordedAtOffset = -1;
            Ascii(buffer, "{"u8);
            var next = 0;
            var first = true;
            foreach (var member in LedgerMembers)
            {
                for (; next < count && string.CompareOrdinal(fields[next].Key, member) < 0; next++)
                {
                    if (!first) Ascii(buffer, ","u8);
                    first = false;
                    CanonicalJson.WriteString(fields[next].Key, buffer);
                    Ascii(buffer, ":"u8);
                    CanonicalJson.Write(fields[next].Value, buffer);
                }
                if (!first) Ascii(buffer, ","u8);
                first = false;
                CanonicalJson.WriteString(member, buffer);
                Ascii(buffer, ":"u8);
                switch (member)
                {
                    case "actor": WriteActor(draft.Actor, buffer); break;
                    case "content": WriteCommitment(commitment, buffer); break;
                    case "id": CanonicalJson.WriteString(draft.EventId, buffer); break;
                    case "occurredAt": CanonicalJson.WriteString(Timestamps.ToCanonical(draft.OccurredAtUtc), buffer); break;
                    case "recordedAt": recordedAtOffset = buffer.WrittenCount; break;
                    case "sequence": sequenceOffset = buffer.WrittenCount; break;
                    case "submittedBy": WriteActor(draft.SubmittedBy, buffer); break;
                    case "type": CanonicalJson.WriteString(draft.Type, buffer); break;
                    case "v": WriteVersion(buffer); break;
                    default: throw new InvalidOperationException($"No value for the ledger member \"{member}\".");
                }
            }
            for (; next < count; next++)
            {
                Ascii(buffer, ","u8);
                CanonicalJson.WriteString(fields[next].Key, buffer);
                Ascii(buffer, ":"u8);
                CanonicalJson.Write(fields[next].Value, buffer);
            }
            Ascii(buffer, "}"u8);
            return new OpenEnvelope(buffer.WrittenSpan.ToArray(), sequenceOffset, recordedAtOffset);
        }
        finally
        {
            ScratchBuffer.Give(buffer);
        }
    }

    // The members Template sets itself, in canonical (ordinal) order; an event's fields must not replace them.
    private static readonly string[] LedgerMembers =
        ["actor", "content", "id", "occurredAt", "recordedAt", "sequence", "submittedBy", "type", "v"];

    private static readonly HashSet<string> LedgerFields = new(LedgerMembers, StringComparer.Ordinal);

    /// <summary>{"displayName":…,"id":…,"kind":…}, keys in canonical order, displayName only when set.</summary>
    private static void WriteActor(ActorRef actor, ArrayBufferWriter<byte> buffer)
    {
        if (actor.DisplayName is not null)
        {
            Ascii(buffer, "{\"displayName\":"u8);
            CanonicalJson.WriteString(actor.DisplayName, buffer);
            Ascii(buffer, ",\"id\":"u8);
        }
        else Ascii(buffer, "{\"id\":"u8);
        CanonicalJson.WriteString(actor.Id, buffer);
        Ascii(buffer, ",\"kind\":"u8);
        CanonicalJson.WriteString(actor.Kind, buffer);
        Ascii(buffer, "}"u8);
    }

    /// <summary>"sha256:&lt;lower-case hex&gt;".</summary>
    private static void WriteCommitment(ReadOnlySpan<byte> commitment, ArrayBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(commitment.Length * 2 + 9);
        "\"sha256:"u8.CopyTo(span);
        var pos = 8;
        foreach (var b in commitment)
        {
            span[pos++] = (byte)"0123456789abcdef"[b >> 4];
            span[pos++] = (byte)"0123456789abcdef"[b & 0xF];
        }
        span[pos++] = (byte)'"';
        buffer.Advance(pos);
    }

    private static void WriteVersion(ArrayBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(11);
        Version.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    private static void Ascii(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    /// <summary>SHA-256("auditportal/content/v1\0" ‖ salt ‖ canonical content bytes).</summary>
    public static byte[] Commitment(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> content) => Sha256.Hash(ContentDomain, salt, content);

    /// <inheritdoc cref="Commitment(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public static void Commitment(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> content, Span<byte> destination) =>
        Sha256.Hash(ContentDomain, salt, content, destination);

    /// <summary>The width of the search text column; <see cref="EnvelopeSearchText"/> derives its value.</summary>
    public const int MaxSearchText = 4000;
}
