using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Reads, in one pass and without building a document, what the verifier needs from an envelope: its
/// sequence, its content commitment, which copy columns of its row disagree with it (the search text
/// included, derived on the same pass), and a hash of its idempotency scope (submittedBy.id, id). Only
/// an envelope whose search text takes a value that is not plain ASCII is read a second time.
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
        var searchText = _searchTextUtf8 ??= new byte[Encoding.UTF8.GetMaxByteCount(Envelope.MaxSearchText)];
        var tokens = new Tokens(envelope, searchText);
        ref var reader = ref tokens.Reader;
        try
        {
            if (!tokens.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (tokens.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = tokens.SearchText.Key;
                tokens.Read();
                switch (field)
                {
                    case EnvelopeKey.Sequence:
                        if (!reader.TryGetInt64(out sequence) || sequence < 0) return false;
                        break;
                    case EnvelopeKey.Content:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
                        var value = reader.ValueSpan;
                        if (!value.StartsWith(CommitmentPrefix) || value.Length != CommitmentPrefix.Length + 64) return false;
                        value[CommitmentPrefix.Length..].CopyTo(commitmentHex);
                        haveCommitment = true;
                        break;
                    case EnvelopeKey.Id:
                        id = reader.ValueSpan;
                        Text(ref tokens, stored.EventId, CopyColumn.EventId, ref mismatches, ref unseen);
                        break;
                    case EnvelopeKey.Type:
                        Text(ref tokens, stored.Type, CopyColumn.Type, ref mismatches, ref unseen);
                        break;
                    case EnvelopeKey.OccurredAt:
                        Time(ref tokens, stored.OccurredAt, CopyColumn.OccurredAt, ref mismatches, ref unseen);
                        break;
                    case EnvelopeKey.RecordedAt:
                        Time(ref tokens, stored.RecordedAt, CopyColumn.RecordedAt, ref mismatches, ref unseen);
                        break;
                    case EnvelopeKey.Actor or EnvelopeKey.SubmittedBy:
                        if (reader.TokenType != JsonTokenType.StartObject) return false;
                        while (tokens.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var member = EnvelopeKeys.Member(ref reader);
                            tokens.Read();
                            if (field == EnvelopeKey.Actor && member == EnvelopeMember.Id) Text(ref tokens, stored.ActorId, CopyColumn.ActorId, ref mismatches, ref unseen);
                            else if (field == EnvelopeKey.Actor && member == EnvelopeMember.Kind) Text(ref tokens, stored.ActorKind, CopyColumn.ActorKind, ref mismatches, ref unseen);
                            else if (field == EnvelopeKey.SubmittedBy && member == EnvelopeMember.Id)
                            {
                                submitter = reader.ValueSpan;
                                Text(ref tokens, stored.SubmittedBy, CopyColumn.SubmittedBy, ref mismatches, ref unseen);
                            }
                            else tokens.Skip();
                        }
                        break;
                    case EnvelopeKey.Application:
                        Optional(ref tokens, stored.Application, CopyColumn.Application, ref mismatches);
                        break;
                    case EnvelopeKey.Model:
                        Optional(ref tokens, stored.Model, CopyColumn.Model, ref mismatches);
                        break;
                    case EnvelopeKey.Provider:
                        Optional(ref tokens, stored.Provider, CopyColumn.Provider, ref mismatches);
                        break;
                    case EnvelopeKey.Prompt when reader.TokenType == JsonTokenType.StartObject:
                        while (tokens.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var member = EnvelopeKeys.Member(ref reader);
                            tokens.Read();
                            if (member == EnvelopeMember.Name) Optional(ref tokens, stored.PromptName, CopyColumn.PromptName, ref mismatches);
                            else if (member == EnvelopeMember.Version)
                            {
                                var matches = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var version)
                                    ? stored.PromptVersion == version
                                    : stored.PromptVersion is null;
                                mismatches = matches ? mismatches & ~Bit(CopyColumn.PromptVersion) : mismatches | Bit(CopyColumn.PromptVersion);
                                tokens.Skip();
                            }
                            else tokens.Skip();
                        }
                        break;
                    default:
                        tokens.Skip();
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
        if (!SearchTextMatches(envelope, tokens.SearchText.Finish(), searchText, stored.SearchText)) mismatches |= Bit(CopyColumn.SearchText);
        scope = scopes.Hash(submitter, id);
        return true;
    }

    /// <summary>
    /// The envelope's reader, which hands every token it reads on to the search text, so that one walk
    /// of the envelope checks both the copy columns and the search text (a second walk was a fifth of
    /// the verifier's own work: docs/benchmarks.md).
    /// </summary>
    private ref struct Tokens(ReadOnlySpan<byte> envelope, Span<byte> searchText)
    {
        public Utf8JsonReader Reader = new(envelope);
        public EnvelopeSearchText.AsciiFeed SearchText = new(searchText);

        public bool Read()
        {
            if (!Reader.Read()) return false;
            SearchText.Take(ref Reader);
            return true;
        }

        /// <summary>As <see cref="Utf8JsonReader.Skip"/> on a value: past its end, if it is an object or an array.</summary>
        public void Skip()
        {
            if (Reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
            var depth = Reader.CurrentDepth;
            while (Read() && Reader.CurrentDepth > depth) { }
        }
    }

    /// <summary>The envelope's (submittedBy.id, id), unescaped: for naming a duplicate, which is rare.</summary>
    public static (string SubmittedBy, string Id) ReadScope(ReadOnlySpan<byte> envelope)
    {
        var reader = new Utf8JsonReader(envelope);
        string? id = null, submitter = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = EnvelopeKeys.Key(ref reader);
            reader.Read();
            if (field == EnvelopeKey.Id) id = reader.GetString();
            else if (field == EnvelopeKey.SubmittedBy)
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

    private static void Text(ref Tokens tokens, ReadOnlyMemory<byte>? stored, CopyColumn column, ref int mismatches, ref int unseen)
    {
        unseen &= ~Bit(column);
        if (tokens.Reader.TokenType != JsonTokenType.String || stored is not { } value || !StringEquals(ref tokens.Reader, value.Span))
            mismatches |= Bit(column);
        tokens.Skip();
    }

    /// <summary>A nullable column whose field is present: it must hold the field's string.</summary>
    private static void Optional(ref Tokens tokens, ReadOnlyMemory<byte>? stored, CopyColumn column, ref int mismatches)
    {
        var matches = tokens.Reader.TokenType == JsonTokenType.String
            ? stored is { } value && StringEquals(ref tokens.Reader, value.Span)
            : stored is null;
        tokens.Skip();
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

    private static void Time(ref Tokens tokens, StoredTime stored, CopyColumn column, ref int mismatches, ref int unseen)
    {
        ref var reader = ref tokens.Reader;
        unseen &= ~Bit(column);
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
            || !Utf8Parser.TryParse(reader.ValueSpan, out DateTime time, out var consumed, 'O') || consumed != reader.ValueSpan.Length
            || reader.ValueSpan[^1] != (byte)'Z')
        {
            mismatches |= Bit(column);
            tokens.Skip();
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

    /// <param name="ascii">What <see cref="EnvelopeSearchText.AsciiFeed"/> wrote into <paramref name="utf8"/>, or -1 (derive the text in full).</param>
    private static bool SearchTextMatches(ReadOnlySpan<byte> envelope, int ascii, byte[] utf8, ReadOnlyMemory<byte>? stored)
    {
        if (stored is not { } value) return false;
        if (ascii >= 0) return utf8.AsSpan(0, ascii).SequenceEqual(value.Span);

        var text = _searchText ??= new char[Envelope.MaxSearchText];
        var length = EnvelopeSearchText.Write(envelope, text);
        if (length < 0) return false;
        var written = Encoding.UTF8.GetBytes(text.AsSpan(0, length), utf8);
        return utf8.AsSpan(0, written).SequenceEqual(value.Span);
    }
}
