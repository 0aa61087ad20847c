using System.Text.Json;

namespace AuditPortal.Data.Evidence;

/// <summary>
/// The two envelope fields that bind an entry to the rest of a pack: its <c>sequence</c> (the proof's
/// leaf index) and its content commitment (<c>"content":"sha256:&lt;hex&gt;"</c>), read from the
/// stored bytes without re-serialising them.
/// </summary>
public readonly record struct EnvelopeBinding(long? Sequence, byte[]? Commitment)
{
    private const string CommitmentPrefix = "sha256:";

    /// <returns>The fields found (either may be null), or null when the bytes are not a JSON object.</returns>
    public static EnvelopeBinding? Read(ReadOnlySpan<byte> envelope)
    {
        long? sequence = null;
        byte[]? commitment = null;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "sequence" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s)) sequence = s;
                else if (name == "content" && reader.TokenType == JsonTokenType.String && reader.GetString() is { } text
                         && text.StartsWith(CommitmentPrefix, StringComparison.Ordinal) && text.Length == CommitmentPrefix.Length + 64)
                {
                    try { commitment = Convert.FromHexString(text.AsSpan(CommitmentPrefix.Length)); }
                    catch (FormatException) { commitment = null; }
                }
                else reader.Skip();
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return new EnvelopeBinding(sequence, commitment);
    }
}
