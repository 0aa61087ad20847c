using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Reads, in one pass and without building a document, what the verifier needs from an envelope: its
/// sequence, its content commitment, which copy columns of its row disagree with it, and a hash of its
/// idempotency scope (submittedBy.id, id).
/// </summary>
internal static class EnvelopeFields
{
    private static ReadOnlySpan<byte> CommitmentPrefix => "sha256:"u8;

    [ThreadStatic] private static char[]? _searchText;
    [ThreadStatic] private static byte[]? _searchTextUtf8;

    /// <param name="commitmentHex">The lowercase hex of the content commitment, as UTF-8 (64 bytes).</param>
    /// <param name="mismatches">A bit per <see cref="CopyColumn"/> that disagrees with the envelope.</param>
    /// <param name="scopes">The run's hash for <paramref name="scope"/>.</param>
    /// <param name="scope">
    /// A 64-bit keyed hash of the canonical submittedBy.id and id (<see cref="ScopeHasher"/>). Equal
    /// scopes always hash alike; two that merely collide are told apart when the verifier confirms each
    /// repeat from the envelopes.
    /// </param>
    public static bool TryRead(ReadOnlySpan<byte> envelope, in CopyColumns stored, ScopeHasher scopes, out long sequence, Span<byte> commitmentHex,
        out int mismatches, out ulong scope)
    {
        sequence = -1;
        mismatches = stored.WrongTypes;
        scope = 0;
        var haveCommitment = false;
        // Columns the envelope must supply; any left unseen cannot match.
        var unseen = Bit(CopyColumn.EventId) | Bit(CopyColumn.Type) | Bit(CopyColumn.OccurredAt) | Bit(CopyColumn.RecordedAt)
                     | Bit(CopyColumn.ActorId) | Bit(CopyColumn.ActorKind) | Bit(CopyColumn.SubmittedBy);
        // Optional columns: null unless the envelope has the field.
        if (stored.Application is not null) mismatches |= Bit(CopyColumn.Application);
        if (stored.Model is not null) mismatches |= Bit(CopyColumn.Model);
        if (stored.Provider is not null) mismatches |= Bit(CopyColumn.Provider);
        if (stored.PromptName is not null) mismatches |= Bit(CopyColumn.PromptName);
        if (stored.PromptVersion is not null) mismatches |= Bit(CopyColumn.PromptVersion);
        ReadOnlySpan<byte> id = default, submitter = default;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader);
                reader.Read();
                switch (field)
                {
                    case TopField.Sequence:
                        if (!reader.TryGetInt64(out sequence) || sequence < 0) return false;
                        break;
                    case TopField.Content:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
                        var value = reader.ValueSpan;
                        if (!value.StartsWith(CommitmentPrefix) || value.Length != CommitmentPrefix.Length + 64) return false;
                        value[CommitmentPrefix.Length..].CopyTo(commitmentHex);
                        haveCommitment = true;
                        break;
                    case TopField.Id:
                        id = reader.ValueSpan;
                        Text(ref reader, stored.EventId, CopyColumn.EventId, ref mismatches, ref unseen);
                        break;
                    case TopField.Type:
                        Text(ref reader, stored.Type, CopyColumn.Type, ref mismatches, ref unseen);
                        break;
                    case TopField.OccurredAt:
                        Time(ref reader, stored.OccurredAt, CopyColumn.OccurredAt, ref mismatches, ref unseen);
                        break;
                    case TopField.RecordedAt:
                        Time(ref reader, stored.RecordedAt, CopyColumn.RecordedAt, ref mismatches, ref unseen);
                        break;
                    case TopField.Actor or TopField.SubmittedBy:
                        if (reader.TokenType != JsonTokenType.StartObject) return false;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isId = reader.ValueTextEquals("id"u8);
                            var isKind = !isId && reader.ValueTextEquals("kind"u8);
                            reader.Read();
                            if (field == TopField.Actor && isId) Text(ref reader, stored.ActorId, CopyColumn.ActorId, ref mismatches, ref unseen);
                            else if (field == TopField.Actor && isKind) Text(ref reader, stored.ActorKind, CopyColumn.ActorKind, ref mismatches, ref unseen);
                            else if (isId)
                            {
                                submitter = reader.ValueSpan;
                                Text(ref reader, stored.SubmittedBy, CopyColumn.SubmittedBy, ref mismatches, ref unseen);
                            }
                            else reader.Skip();
                        }
                        break;
                    case TopField.Application:
                        Optional(ref reader, stored.Application, CopyColumn.Application, ref mismatches);
                        break;
                    case TopField.Model:
                        Optional(ref reader, stored.Model, CopyColumn.Model, ref mismatches);
                        break;
                    case TopField.Provider:
                        Optional(ref reader, stored.Provider, CopyColumn.Provider, ref mismatches);
                        break;
                    case TopField.Prompt when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isName = reader.ValueTextEquals("name"u8);
                            var isVersion = !isName && reader.ValueTextEquals("version"u8);
                            reader.Read();
                            if (isName) Optional(ref reader, stored.PromptName, CopyColumn.PromptName, ref mismatches);
                            else if (isVersion)
                            {
                                var matches = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var version)
                                    ? stored.PromptVersion == version
                                    : stored.PromptVersion is null;
                                mismatches = matches ? mismatches & ~Bit(CopyColumn.PromptVersion) : mismatches | Bit(CopyColumn.PromptVersion);
                            }
                            else reader.Skip();
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || sequence < 0 || !haveCommitment) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        mismatches |= unseen;
        if (!SearchTextMatches(envelope, stored.SearchText)) mismatches |= Bit(CopyColumn.SearchText);
        scope = scopes.Hash(submitter, id);
        return true;
    }

    /// <summary>The envelope's (submittedBy.id, id), unescaped: for naming a duplicate, which is rare.</summary>
    public static (string SubmittedBy, string Id) ReadScope(ReadOnlySpan<byte> envelope)
    {
        var reader = new Utf8JsonReader(envelope);
        string? id = null, submitter = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader);
            reader.Read();
            if (field == TopField.Id) id = reader.GetString();
            else if (field == TopField.SubmittedBy)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId) submitter = reader.GetString();
                    else reader.Skip();
                }
            }
            else reader.Skip();
        }
        return (submitter ?? "", id ?? "");
    }

    private static int Bit(CopyColumn column) => 1 << (int)column;

    private enum TopField { Other, Sequence, Content, Id, Type, OccurredAt, RecordedAt, Actor, SubmittedBy, Application, Model, Provider, Prompt }

    private static TopField Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("sequence"u8) ? TopField.Sequence
        : reader.ValueTextEquals("content"u8) ? TopField.Content
        : reader.ValueTextEquals("id"u8) ? TopField.Id
        : reader.ValueTextEquals("type"u8) ? TopField.Type
        : reader.ValueTextEquals("occurredAt"u8) ? TopField.OccurredAt
        : reader.ValueTextEquals("recordedAt"u8) ? TopField.RecordedAt
        : reader.ValueTextEquals("actor"u8) ? TopField.Actor
        : reader.ValueTextEquals("submittedBy"u8) ? TopField.SubmittedBy
        : reader.ValueTextEquals("application"u8) ? TopField.Application
        : reader.ValueTextEquals("model"u8) ? TopField.Model
        : reader.ValueTextEquals("provider"u8) ? TopField.Provider
        : reader.ValueTextEquals("prompt"u8) ? TopField.Prompt
        : TopField.Other;

    private static void Text(ref Utf8JsonReader reader, ReadOnlyMemory<byte>? stored, CopyColumn column, ref int mismatches, ref int unseen)
    {
        unseen &= ~Bit(column);
        if (reader.TokenType != JsonTokenType.String || stored is not { } value || !StringEquals(ref reader, value.Span))
            mismatches |= Bit(column);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
    }

    /// <summary>A nullable column whose field is present: it must hold the field's string.</summary>
    private static void Optional(ref Utf8JsonReader reader, ReadOnlyMemory<byte>? stored, CopyColumn column, ref int mismatches)
    {
        var matches = reader.TokenType == JsonTokenType.String
            ? stored is { } value && StringEquals(ref reader, value.Span)
            : stored is null;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        mismatches = matches ? mismatches & ~Bit(column) : mismatches | Bit(column);
    }

    private static bool StringEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> stored)
    {
        if (!reader.ValueIsEscaped) return reader.ValueSpan.SequenceEqual(stored);
        var length = reader.ValueSpan.Length;
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented is not null ? rented : stackalloc byte[512];
        var written = reader.CopyString(buffer);
        var equal = buffer[..written].SequenceEqual(stored);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return equal;
    }

    private static void Time(ref Utf8JsonReader reader, StoredTime stored, CopyColumn column, ref int mismatches, ref int unseen)
    {
        unseen &= ~Bit(column);
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
            || !Utf8Parser.TryParse(reader.ValueSpan, out DateTime time, out var consumed, 'O') || consumed != reader.ValueSpan.Length
            || reader.ValueSpan[^1] != (byte)'Z')
        {
            mismatches |= Bit(column);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            return;
        }
        bool matches;
        if (stored.Text is { } text)
        {
            matches = SqliteTimeText.Matches(reader.ValueSpan, text.Span);
        }
        else
        {
            // Microseconds are the finest time PostgreSQL stores; an event's own time may be finer.
            matches = stored.Ticks is { } ticks && Math.Abs(ticks - time.Ticks) < 10;
        }
        if (!matches) mismatches |= Bit(column);
    }

    private static bool SearchTextMatches(ReadOnlySpan<byte> envelope, ReadOnlyMemory<byte>? stored)
    {
        if (stored is not { } value) return false;
        var utf8 = _searchTextUtf8 ??= new byte[Encoding.UTF8.GetMaxByteCount(Envelope.MaxSearchText)];
        var ascii = EnvelopeSearchText.TryWriteAscii(envelope, utf8);
        if (ascii >= 0) return utf8.AsSpan(0, ascii).SequenceEqual(value.Span);

        var text = _searchText ??= new char[Envelope.MaxSearchText];
        var length = EnvelopeSearchText.Write(envelope, text);
        if (length < 0) return false;
        var written = Encoding.UTF8.GetBytes(text.AsSpan(0, length), utf8);
        return utf8.AsSpan(0, written).SequenceEqual(value.Span);
    }
}
