using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// The timeline's search text: a pure function of the envelope bytes, so that <c>verify</c> can
/// recompute it and name a row whose search text was edited (the appender stores exactly what this
/// returns). It is the lower-cased (invariant) string values of the envelope joined by <c>\n</c>:
/// first <c>id</c>, <c>type</c>, <c>actor.id</c>, <c>submittedBy.id</c> and <c>actor.displayName</c>
/// (so they are searchable however large the rest is), then every string value of the other event
/// fields in canonical order, at any depth. Left out: numbers, booleans, keys, the ledger-set values
/// (<c>v</c>, <c>sequence</c>, the two timestamps, the content commitment) and the actor kinds. Cut at
/// <see cref="Envelope.MaxSearchText"/> characters, never inside a surrogate pair (half a pair does not
/// survive a round trip through UTF-8).
/// </summary>
public static class EnvelopeSearchText
{
    private const int Max = Envelope.MaxSearchText;

    // Per-thread scratch for the raw (not yet lower-cased) text and for the values after the leading
    // ones, so that verify's parallel stage derives text without allocating.
    [ThreadStatic] private static char[]? _scratch;
    [ThreadStatic] private static byte[]? _asciiScratch;

    /// <exception cref="FormatException">The bytes are not an envelope.</exception>
    public static string Of(ReadOnlySpan<byte> envelope)
    {
        // Pooled: a fresh 8 KB array per appended event was the largest allocation on the ingestion path.
        var text = ArrayPool<char>.Shared.Rent(Max);
        try
        {
            var length = Write(envelope, text);
            return length >= 0 ? new string(text, 0, length) : throw new FormatException("The bytes are not a readable envelope.");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    /// <param name="destination">At least <see cref="Envelope.MaxSearchText"/> characters.</param>
    /// <returns>The number of characters written, or -1 if the bytes are not a readable envelope.</returns>
    public static int Write(ReadOnlySpan<byte> envelope, Span<char> destination)
    {
        if (destination.Length < Max) throw new ArgumentException($"The destination needs room for {Max} characters.", nameof(destination));
        var scratch = _scratch ??= new char[2 * Max];
        var raw = new TextBuilder(scratch.AsSpan(0, Max));
        var rest = new TextBuilder(scratch.AsSpan(Max, Max));
        if (!Collect(envelope, ref raw, ref rest)) return -1;

        var text = raw.Text;
        if (text.Length == Max && char.IsHighSurrogate(text[^1])) text = text[..^1];
        return text.ToLowerInvariant(destination);
    }

    /// <summary>The values of the search text, in its order, into <paramref name="raw"/> (as the builder takes them).</summary>
    /// <returns>False if the bytes are not a readable envelope.</returns>
    private static bool Collect(ReadOnlySpan<byte> envelope, scoped ref TextBuilder raw, scoped ref TextBuilder rest)
    {
        try
        {
            var values = new Values<TextBuilder, char>();
            var reader = new Utf8JsonReader(envelope);
            while (!values.Ended && reader.Read()) values.Take(ref reader, ref rest);
            return values.Finish(ref raw, ref rest);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The search text's rules, applied one token at a time. Every walk that derives the text feeds
    /// it the envelope's tokens in order, so that a walk made for another purpose (the verifier's,
    /// through <see cref="AsciiFeed"/>) derives the same text without reading the envelope again.
    /// </summary>
    private ref struct Values<TBuilder, T>
        where TBuilder : ITextBuilder<T>, allows ref struct
    {
        // Kept until the end: they lead the text in this order, whatever the order of the envelope's keys.
        private Utf8JsonReader _id, _type, _actorId, _actorName, _submitterId;
        private bool _haveId, _haveType, _haveActorId, _haveActorName, _haveSubmitterId;
        private bool _started, _malformed;
        private EnvelopeKey _key;
        private EnvelopeMember _member;

        /// <summary>The envelope's closing brace has been taken.</summary>
        public bool Ended { get; private set; }

        /// <summary>The top-level field the last token belongs to.</summary>
        public readonly EnvelopeKey Key => _key;

        /// <param name="rest">Takes the values that follow the leading ones, as they come.</param>
        public void Take(ref Utf8JsonReader reader, scoped ref TBuilder rest)
        {
            var depth = reader.CurrentDepth;
            if (!_started)
            {
                _started = true;
                _malformed = reader.TokenType != JsonTokenType.StartObject;
                return;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.EndObject when depth == 0:
                    Ended = true;
                    return;
                case JsonTokenType.PropertyName when depth == 1:
                    _key = EnvelopeKeys.Key(ref reader);
                    return;
                case JsonTokenType.PropertyName when depth == 2 && _key is (EnvelopeKey.Actor or EnvelopeKey.SubmittedBy):
                    _member = EnvelopeKeys.Member(ref reader);
                    return;
                case JsonTokenType.String:
                    TakeString(ref reader, depth, ref rest);
                    return;
                case JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.Number
                    or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null when depth == 1:
                    // A value that is not a string, directly under a key: actor and submittedBy must be objects.
                    if (_key == EnvelopeKey.Id) _haveId = false;
                    else if (_key == EnvelopeKey.Type) _haveType = false;
                    else if (_key is (EnvelopeKey.Actor or EnvelopeKey.SubmittedBy) && reader.TokenType != JsonTokenType.StartObject) _malformed = true;
                    return;
            }
        }

        private void TakeString(ref Utf8JsonReader reader, int depth, scoped ref TBuilder rest)
        {
            switch (_key)
            {
                case EnvelopeKey.V or EnvelopeKey.Sequence or EnvelopeKey.OccurredAt or EnvelopeKey.RecordedAt or EnvelopeKey.Content:
                    return; // set by the ledger, not by the event
                case EnvelopeKey.Id when depth == 1:
                    _id = reader;
                    _haveId = true;
                    return;
                case EnvelopeKey.Type when depth == 1:
                    _type = reader;
                    _haveType = true;
                    return;
                case EnvelopeKey.Id or EnvelopeKey.Type:
                    return;
                case EnvelopeKey.Actor or EnvelopeKey.SubmittedBy when depth == 1:
                    _malformed = true;
                    return;
                case EnvelopeKey.Actor when depth == 2 && _member == EnvelopeMember.Id:
                    _actorId = reader;
                    _haveActorId = true;
                    return;
                case EnvelopeKey.Actor when depth == 2 && _member == EnvelopeMember.DisplayName:
                    _actorName = reader;
                    _haveActorName = true;
                    return;
                case EnvelopeKey.SubmittedBy when depth == 2 && _member == EnvelopeMember.Id:
                    _submitterId = reader;
                    _haveSubmitterId = true;
                    return;
                case EnvelopeKey.Actor or EnvelopeKey.SubmittedBy:
                    return; // the kinds, and anything nested deeper
                default:
                    rest.Add(ref reader);
                    return;
            }
        }

        /// <summary>Writes the leading values, then the rest as one value, into <paramref name="raw"/>.</summary>
        /// <returns>False if the envelope lacks a value the text needs, or is not an object.</returns>
        public bool Finish(scoped ref TBuilder raw, scoped ref TBuilder rest)
        {
            if (!Ended || _malformed || !_haveId || !_haveType || !_haveActorId || !_haveSubmitterId) return false;
            raw.Add(ref _id);
            raw.Add(ref _type);
            raw.Add(ref _actorId);
            raw.Add(ref _submitterId);
            if (_haveActorName) raw.Add(ref _actorName);
            if (rest.Values > 0) raw.Add(rest.Text);
            return true;
        }
    }

    /// <summary>
    /// The search text as UTF-8, straight from the envelope's bytes, when every value it takes is plain
    /// ASCII without escapes: lowering is then ASCII lowering, a character is a byte, and the result is
    /// byte for byte the UTF-8 of <see cref="Write"/>. Fed by a walk of the envelope made for another
    /// purpose (the verifier's), which hands over each token as it reads it: the text costs neither a
    /// second walk nor decoding to UTF-16, lowering and encoding back (docs/benchmarks.md).
    /// </summary>
    internal ref struct AsciiFeed
    {
        private Values<AsciiBuilder, byte> _values;
        private AsciiBuilder _raw;
        private AsciiBuilder _rest;

        /// <param name="destination">At least <see cref="Envelope.MaxSearchText"/> bytes.</param>
        public AsciiFeed(Span<byte> destination)
        {
            if (destination.Length < Max) throw new ArgumentException($"The destination needs room for {Max} bytes.", nameof(destination));
            _raw = new AsciiBuilder(destination[..Max]);
            _rest = new AsciiBuilder(_asciiScratch ??= new byte[Max]);
        }

        /// <summary>The top-level field the last token taken belongs to (set on its name).</summary>
        public readonly EnvelopeKey Key => _values.Key;

        /// <summary>Takes the token the reader is on; every token of the envelope, in order.</summary>
        public void Take(ref Utf8JsonReader reader) => _values.Take(ref reader, ref _rest);

        /// <returns>The number of bytes written; -1 if a value is not plain ASCII or the bytes are not a readable envelope (use <see cref="Write"/>).</returns>
        public int Finish() => _values.Finish(ref _raw, ref _rest) && _raw.IsAscii && _rest.IsAscii ? _raw.Text.Length : -1;
    }

    /// <summary>Values joined by a line feed into a fixed buffer; what does not fit is dropped.</summary>
    private interface ITextBuilder<T>
    {
        int Values { get; }
        ReadOnlySpan<T> Text { get; }
        void Add(ref Utf8JsonReader reader);
        /// <summary>Adds text as one value: here, the already-joined values of another builder.</summary>
        void Add(ReadOnlySpan<T> text);
    }

    /// <summary>The raw (not yet lower-cased) text, in UTF-16.</summary>
    private ref struct TextBuilder(Span<char> buffer) : ITextBuilder<char>
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;

        public int Values { get; private set; }
        public readonly ReadOnlySpan<char> Text => _buffer[.._length];

        public void Add(ref Utf8JsonReader reader)
        {
            if (Values++ > 0) AppendChar('\n');
            var room = _buffer.Length - _length;
            if (room == 0) return;
            // A string's UTF-16 length never exceeds its UTF-8 (or escaped) length.
            if (reader.ValueSpan.Length <= room)
            {
                _length += reader.CopyString(_buffer[_length..]);
                return;
            }
            var rented = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length);
            var written = reader.CopyString(rented);
            Append(rented.AsSpan(0, written));
            ArrayPool<char>.Shared.Return(rented);
        }

        /// <summary>Adds text as one value: here, the already-joined values of another builder.</summary>
        public void Add(ReadOnlySpan<char> text)
        {
            if (Values++ > 0) AppendChar('\n');
            Append(text);
        }

        private void Append(ReadOnlySpan<char> text)
        {
            var count = Math.Min(text.Length, _buffer.Length - _length);
            text[..count].CopyTo(_buffer[_length..]);
            _length += count;
        }

        private void AppendChar(char c)
        {
            if (_length < _buffer.Length) _buffer[_length++] = c;
        }
    }

    /// <summary>
    /// Lower-cased ASCII, as the envelope holds it; a value with an escape or a byte beyond ASCII is
    /// not taken, and marks the text as one for <see cref="TextBuilder"/>.
    /// </summary>
    private ref struct AsciiBuilder(Span<byte> buffer) : ITextBuilder<byte>
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;

        public int Values { get; private set; }
        public bool IsAscii { get; private set; } = true;
        public readonly ReadOnlySpan<byte> Text => _buffer[.._length];

        public void Add(ref Utf8JsonReader reader)
        {
            if (Values++ > 0) AppendLineFeed();
            var value = reader.ValueSpan;
            if (reader.ValueIsEscaped || !Ascii.IsValid(value))
            {
                IsAscii = false;
                return;
            }
            var count = Math.Min(value.Length, _buffer.Length - _length);
            Ascii.ToLower(value[..count], _buffer[_length..], out var written);
            _length += written;
        }

        public void Add(ReadOnlySpan<byte> text)
        {
            if (Values++ > 0) AppendLineFeed();
            var count = Math.Min(text.Length, _buffer.Length - _length);
            text[..count].CopyTo(_buffer[_length..]);
            _length += count;
        }

        private void AppendLineFeed()
        {
            if (_length < _buffer.Length) _buffer[_length++] = (byte)'\n';
        }
    }
}
