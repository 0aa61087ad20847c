using System.Text.Json;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The ASCII search text as verify derives it (<see cref="EnvelopeSearchText.AsciiFeed"/>), fed by a
/// plain walk of the envelope instead of the verifier's.
/// </summary>
internal static class AsciiSearchText
{
    /// <returns>The bytes written into <paramref name="destination"/>, or -1 where the full path must derive the text.</returns>
    public static int Write(ReadOnlySpan<byte> envelope, byte[] destination)
    {
        var feed = new EnvelopeSearchText.AsciiFeed(destination);
        var reader = new Utf8JsonReader(envelope);
        while (reader.Read()) feed.Take(ref reader);
        return feed.Finish();
    }
}
