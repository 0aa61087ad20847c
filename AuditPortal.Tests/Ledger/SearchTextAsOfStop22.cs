using System.Buffers;
using System.Text;
using System.Text.Json;

using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The search text's rules exactly as stop 22 (commit 83dc118) wrote them, frozen: ledgers written
/// since then store this text in search_text, and verify must go on accepting it. Whatever
/// EnvelopeSearchText becomes, it must give these bytes.
/// </summary>
internal static class SearchTextAsOfStop22
{
    private const int Max = Envelope.MaxSearchText;

    // Per-thread scratch for the raw (not yet lower-cased) text and for the values after the leading
    // ones, so that verify's parallel stage derives text without allocating.
    [ThreadStatic] private static char[]? _scratch;
    
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
        if (!Collect<TextBuilder, char>(envelope, ref raw, ref rest)) return -1;

        var text = raw.Text;
        if (text.Length == Max && char.IsHighSurrogate(text[^1])) text = text[..^1];
        return text.ToLowerInvariant(destination);
    }

    /// <summary>The values of the search text, in its order, into <paramref name="raw"/> (as the builder takes them).</summary>
    /// <returns>False if the bytes are not a readable envelope.</returns>
    private static bool Collect<TBuilder, T>(ReadOnlySpan<byte> envelope, scoped ref TBuilder raw, scoped ref TBuilder rest)
        where TBuilder : ITextBuilder<T>, allows ref struct
    {
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            Utf8JsonReader id = default, type = default, actorId = default, actorName = default, submitterId = default;
            bool haveId = false, haveType = false, haveActorId = false, haveActorName = false, haveSubmitterId = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) { reader.Read(); haveId = reader.TokenType == JsonTokenType.String; id = reader; }
                else if (reader.ValueTextEquals("type"u8)) { reader.Read(); haveType = reader.TokenType == JsonTokenType.String; type = reader; }
                else if (reader.ValueTextEquals("actor"u8) || reader.ValueTextEquals("submittedBy"u8))
                {
                    var isActor = reader.ValueTextEquals("actor"u8);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject) return false;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isId = reader.ValueTextEquals("id"u8);
                        var isName = isActor && reader.ValueTextEquals("displayName"u8);
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String) { reader.Skip(); continue; }
                        if (isId && isActor) { actorId = reader; haveActorId = true; }
                        else if (isId) { submitterId = reader; haveSubmitterId = true; }
                        else if (isName) { actorName = reader; haveActorName = true; }
                    }
                }
                else if (reader.ValueTextEquals("v"u8) || reader.ValueTextEquals("sequence"u8) || reader.ValueTextEquals("occurredAt"u8)
                         || reader.ValueTextEquals("recordedAt"u8) || reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    CollectStrings<TBuilder, T>(ref reader, ref rest);
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || !haveId || !haveType || !haveActorId || !haveSubmitterId) return false;

            raw.Add(ref id);
            raw.Add(ref type);
            raw.Add(ref actorId);
            raw.Add(ref submitterId);
            if (haveActorName) raw.Add(ref actorName);
            if (rest.Values > 0) raw.Add(rest.Text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Adds every string value of the value the reader is on, at any depth.</summary>
    private static void CollectStrings<TBuilder, T>(ref Utf8JsonReader reader, scoped ref TBuilder text)
        where TBuilder : ITextBuilder<T>, allows ref struct
    {
        if (reader.TokenType == JsonTokenType.String) { text.Add(ref reader); return; }
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
            if (reader.TokenType == JsonTokenType.String) text.Add(ref reader);
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
}
