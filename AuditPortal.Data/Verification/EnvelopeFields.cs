using System.Text.Json;

namespace AuditPortal.Data.Verification;

/// <summary>Reads the two envelope fields the verifier needs without building a document or allocating.</summary>
internal static class EnvelopeFields
{
    private static ReadOnlySpan<byte> SequenceName => "sequence"u8;
    private static ReadOnlySpan<byte> ContentName => "content"u8;
    private static ReadOnlySpan<byte> CommitmentPrefix => "sha256:"u8;

    /// <param name="commitmentHex">The lowercase hex of the content commitment, as UTF-8 (64 bytes).</param>
    public static bool TryRead(ReadOnlySpan<byte> envelope, out long sequence, Span<byte> commitmentHex)
    {
        sequence = -1;
        var haveCommitment = false;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            // Canonical envelopes are flat at the top level apart from small objects; stop once both are found.
            while ((sequence < 0 || !haveCommitment) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(SequenceName))
                {
                    reader.Read();
                    if (!reader.TryGetInt64(out sequence) || sequence < 0) return false;
                }
                else if (reader.ValueTextEquals(ContentName))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
                    var value = reader.ValueSpan;
                    if (!value.StartsWith(CommitmentPrefix) || value.Length != CommitmentPrefix.Length + 64) return false;
                    value[CommitmentPrefix.Length..].CopyTo(commitmentHex);
                    haveCommitment = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return sequence >= 0 && haveCommitment;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
