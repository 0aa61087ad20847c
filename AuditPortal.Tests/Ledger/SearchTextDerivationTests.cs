using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The search text is stored at ingestion and recomputed by verify, by two walks of the envelope that
/// share one set of rules (EnvelopeSearchText's): the plain walk and the verifier's walk of the copy
/// columns, which feeds the rules every token it reads. Both must give, byte for byte, what earlier
/// versions stored, or verify would call healthy rows edited.
/// </summary>
public class SearchTextDerivationTests
{
    private static readonly DateTime RecordedAt = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567);
    private static readonly byte[] Salt = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static byte[] Render(EventDraft draft, long sequence) =>
        Envelope.Render(draft, sequence, RecordedAt, Envelope.Commitment(Salt, draft.Content));

    [Fact]
    public void TheSearchTextIsWhatEarlierVersionsStored()
    {
        var random = new Random(23);
        for (var i = 0; i < 800; i++)
        {
            var envelope = Render(RandomEnvelopes.Draft(random), i);
            Assert.Equal(SearchTextAsOfStop22.Of(envelope), EnvelopeSearchText.Of(envelope));
        }
    }

    [Fact]
    public void VerifyFindsTheStoredSearchTextRightOnEveryShapeOfEnvelope()
    {
        var random = new Random(29);
        var (ascii, full) = (0, 0);
        for (var i = 0; i < 800; i++)
        {
            var envelope = Render(RandomEnvelopes.Draft(random), i);
            var text = Encoding.UTF8.GetBytes(EnvelopeSearchText.Of(envelope));
            if (AsciiSearchText.Write(envelope, new byte[Envelope.MaxSearchText]) >= 0) ascii++;
            else full++;

            Assert.Equal(0, Mismatches(envelope, text));
        }
        // Both paths of the check were taken: the ASCII one for most envelopes, the full one for the rest.
        Assert.InRange(ascii, 400, 800);
        Assert.InRange(full, 20, 400);
    }

    [Fact]
    public void VerifyNamesASearchTextThatDiffersByOneByteAnywhere()
    {
        var random = new Random(31);
        for (var i = 0; i < 300; i++)
        {
            var envelope = Render(RandomEnvelopes.Draft(random), i);
            var text = Encoding.UTF8.GetBytes(EnvelopeSearchText.Of(envelope));
            var edited = text.ToArray();
            edited[random.Next(edited.Length)] ^= 0x20;

            Assert.Equal(1 << (int)CopyColumn.SearchText, Mismatches(envelope, edited));
            Assert.Equal(1 << (int)CopyColumn.SearchText, Mismatches(envelope, text[..^1]));
            Assert.Equal(1 << (int)CopyColumn.SearchText, Mismatches(envelope, [.. text, (byte)'x']));
        }
    }

    /// <summary>The copy-column mismatches verify finds for the envelope with every column right but the search text given.</summary>
    internal static int Mismatches(byte[] envelope, byte[] searchText)
    {
        var fields = AuditPortal.Data.Projections.ProjectedEvent.TryRead(envelope) ?? throw new InvalidOperationException("unreadable envelope");
        var facts = System.Text.Json.Nodes.JsonNode.Parse(envelope)!;
        // Not "value is null ? null : bytes": that is a byte[], and a null one converts to an empty memory, not to null.
        ReadOnlyMemory<byte>? Utf8(string? value) => value is null ? default(ReadOnlyMemory<byte>?) : Encoding.UTF8.GetBytes(value);
        var copies = new CopyColumns(
            Utf8((string)facts["id"]!), Utf8((string)facts["type"]!),
            Time(facts["occurredAt"]), Time(facts["recordedAt"]),
            Utf8((string)facts["actor"]!["id"]!), Utf8((string)facts["actor"]!["kind"]!), Utf8((string)facts["submittedBy"]!["id"]!),
            Utf8((string?)facts["application"]), Utf8((string?)facts["model"]), Utf8((string?)facts["provider"]), Utf8((string?)facts["prompt"]?["name"]),
            (long?)facts["prompt"]?["version"], searchText, WrongTypes: 0);
        static StoredTime Time(System.Text.Json.Nodes.JsonNode? value) =>
            new(DateTime.Parse((string)value!, null, System.Globalization.DateTimeStyles.RoundtripKind).Ticks, null);
        Assert.True(EnvelopeFields.TryRead(envelope, copies, new ScopeHasher(), out var sequence, new byte[64], out var mismatches, out _));
        Assert.Equal(fields.Sequence, sequence);
        return mismatches;
    }
}
