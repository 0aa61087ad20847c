using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// CanonicalJson writes strings in vectorised runs into a buffer sized exactly, and reuses one output
/// buffer per thread. These pin that the bytes are still the JCS form (checked against a plain
/// char-by-char statement of the rules) over inputs chosen to hit every branch, and that a string asks
/// its output for no more room than it writes.
/// </summary>
public class CanonicalStringWritingTests
{
    // Built in code, not [InlineData]: theory arguments travel as UTF-8, which would turn the lone
    // surrogates some of these neighbour into U+FFFD.
    private static readonly string[] Corpus =
    [
        "",
        "plain ascii",
        "\"",
        "\\",
        "\"quoted\" and \\back\\slashed\\",
        "\b\f\n\r\t",
        "\u0000\u0001\u0007\u000b\u000e\u001f",
        "controls \u0000 in \u001f the middle",
        "\u007f DEL and \u0080\u009f C1 controls stay literal",
        "\u2028\u2029 line and paragraph separators stay literal",
        "</script> & <b> are not escaped",
        "caf\u00e9 na\u00efve \u00fc",
        "\u20ac \u4e2d\u6587 \ufb33 \uffff",
        "\ud83d\ude00 grinning, \ud834\udd1e clef",
        "\ud83d\ude00",
        "\ud83d\ude00\n\ud83d\ude00\"",
        "ends with an escape\n",
        "\nstarts with an escape",
        new string('a', 5000) + "\n" + new string('\u00e9', 3000) + "\ud83d\ude00",
        new string('\u0001', 700),
        string.Concat(Enumerable.Range(0, 0x80).Select(c => (char)c)),
    ];

    public static TheoryData<int> CorpusIndexes() => [.. Enumerable.Range(0, Corpus.Length)];

    [Theory]
    [MemberData(nameof(CorpusIndexes))]
    public void StringsAreWrittenAsTheJcsRulesSayCharByChar(int index)
    {
        var value = Corpus[index];
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteString(value, buffer);

        Assert.Equal(Reference(value), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(CorpusIndexes))]
    public void AStringAsksItsOutputForExactlyTheBytesItWrites(int index)
    {
        var output = new RecordingWriter();

        CanonicalJson.WriteString(Corpus[index], output);

        Assert.Equal(output.Written, output.LargestRequest);
    }

    [Fact]
    public void ObjectsOfCorpusStringsSerializeAsTheirMembersWrittenOneByOne()
    {
        // Keys and values together, nested, sorted: the whole writer over the same corpus, twice in a
        // row on one thread, so that a reused buffer would show any leftover bytes.
        var obj = new JsonObject();
        var nested = new JsonArray();
        for (var i = 0; i < Corpus.Length; i++)
        {
            obj[$"k{i:D2}{Corpus[i]}"] = Corpus[i];
            nested.Add(new JsonObject { ["v"] = Corpus[i], ["n"] = i - 10 });
        }
        obj["nested"] = nested;
        var expected = new StringBuilder("{");
        foreach (var key in obj.Select(p => p.Key).Where(k => k != "nested").Append("nested").Order(StringComparer.Ordinal))
        {
            if (expected.Length > 1) expected.Append(',');
            expected.Append(Reference(key)).Append(':');
            if (key == "nested")
                expected.Append('[').AppendJoin(',', Enumerable.Range(0, Corpus.Length).Select(i =>
                    $"{{\"n\":{(i - 10).ToString(CultureInfo.InvariantCulture)},\"v\":{Reference(Corpus[i])}}}")).Append(']');
            else expected.Append(Reference((string)obj[key]!));
        }
        expected.Append('}');

        var first = Encoding.UTF8.GetString(CanonicalJson.Serialize(obj));
        var small = Encoding.UTF8.GetString(CanonicalJson.Serialize(new JsonObject { ["a"] = 1 }));
        var second = Encoding.UTF8.GetString(CanonicalJson.Serialize(obj));

        Assert.Equal(expected.ToString(), first);
        Assert.Equal("{\"a\":1}", small);
        Assert.Equal(first, second);
    }

    [Fact]
    public void ALoneSurrogateAfterAValidPairIsStillRejected()
    {
        var buffer = new ArrayBufferWriter<byte>();

        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.WriteString("ok \ud83d\ude00 then \ude00 alone", buffer));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.WriteString("ends high \ud83d", buffer));
    }

    /// <summary>RFC 8785 §3.2.2.2 read literally: escape '"', '\\' and U+0000–U+001F (short forms where JSON has them), nothing else.</summary>
    private static string Reference(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    /// <summary>An output that remembers the largest span it was asked for.</summary>
    private sealed class RecordingWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int LargestRequest { get; private set; }
        public int Written => _inner.WrittenCount;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            return _inner.GetSpan(sizeHint);
        }
    }
}
