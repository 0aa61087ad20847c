using System.Text.Json;

namespace AuditPortal.Data.Evidence;

/// <summary>
/// Reads JSON token by token from a stream with a buffer of its own, so a proofs.json of any size is
/// checked without being loaded (Utf8JsonReader is a ref struct and cannot live across reads).
/// </summary>
internal sealed class JsonTokenStream(Stream stream)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _final;
    private JsonReaderState _state;

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The value of a string or property name token.</summary>
    public string? String { get; private set; }

    /// <summary>The value of a number token, when it is a 64-bit integer.</summary>
    public long? Number { get; private set; }

    /// <returns>False at the end of the document.</returns>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public bool Next()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            var read = reader.Read();
            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (read)
            {
                TokenType = reader.TokenType;
                String = TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
                Number = TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : null;
                return true;
            }
            if (_final) return false;
            Fill();
        }
    }

    private void Fill()
    {
        var pending = _end - _start;
        if (pending == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // one token longer than the buffer
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        var count = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (count == 0) _final = true;
        _end += count;
    }

    public void Expect(JsonTokenType type, string what)
    {
        if (!Next() || TokenType != type) throw new FormatException($"expected {what}");
    }
}
