using System.Text;
using System.Text.Json;

namespace AuditPortal.Data.Verification;

/// <summary>Reads the two envelope fields the verifier needs without building a document.</summary>
internal static class EnvelopeFields
{
    private static readonly byte[] SequenceName = "sequence"u8.ToArray();
    private static readonly byte[] ContentName = "content"u8.ToArray();
    private static readonly byte[] CommitmentPrefix = "sha256:"u8.ToArray();

    public static bool TryRead(ReadOnlySpan<byte> envelope, out long sequence, out byte[]? commitment)
    {
        sequence = -1;
        commitment = null;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(SequenceName))
                {
                    reader.Read();
                    if (!reader.TryGetInt64(out sequence)) return false;
                }
                else if (reader.ValueTextEquals(ContentName))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return false;
                    var value = reader.ValueSpan;
                    if (!value.StartsWith(CommitmentPrefix) || value.Length != CommitmentPrefix.Length + 64) return false;
                    commitment = Convert.FromHexString(Encoding.ASCII.GetString(value[CommitmentPrefix.Length..]));
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return sequence >= 0 && commitment is not null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return false;
        }
    }
}
