using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Tests.Ledger;

/// <summary>The restricted RFC 8785 profile: CanonicalJson, CanonicalNumber and Timestamps.</summary>
public class CanonicalJsonTests
{
    private static string Canonical(JsonNode node) => Encoding.UTF8.GetString(CanonicalJson.Serialize(node));

    private static string CanonicalString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJson.WriteString(value, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // ---- key order -----------------------------------------------------------------------------

    [Fact]
    public void KeysAreSortedByUtf16CodeUnitsAsInTheRfc8785SortingExample()
    {
        // RFC 8785 §3.2.3: the input order below must come out as \r, 1, \u0080, \u00f6, \u20ac, \ud83d\ude00, \ufb33.
        var obj = new JsonObject
        {
            ["\u20ac"] = "Euro Sign",
            ["\r"] = "Carriage Return",
            ["\ufb33"] = "Hebrew Letter Dalet With Dagesh",
            ["1"] = "One",
            ["\ud83d\ude00"] = "Emoji: Grinning Face",
            ["\u0080"] = "Control",
            ["\u00f6"] = "Latin Small Letter O With Diaeresis",
        };

        var json = Canonical(obj);

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            json);
        // The emoji (surrogates D83D DE00) sorts before U+FB33 by code units, although its code point is larger.
        Assert.True(json.IndexOf("\ud83d\ude00", StringComparison.Ordinal) < json.IndexOf("\ufb33", StringComparison.Ordinal));
    }

    [Fact]
    public void KeyOrderIsByCodeUnitNotByCultureOrCase()
    {
        var obj = new JsonObject { ["b"] = 1, ["a"] = 2, ["B"] = 3, ["aa"] = 4, ["A"] = 5, ["_"] = 6 };

        Assert.Equal("{\"A\":5,\"B\":3,\"_\":6,\"a\":2,\"aa\":4,\"b\":1}", Canonical(obj));
    }

    [Fact]
    public void NestedObjectsAreSortedAtEveryLevelAndArraysKeepTheirOrder()
    {
        var obj = new JsonObject
        {
            ["z"] = new JsonObject { ["y"] = 1, ["x"] = new JsonObject { ["d"] = true, ["c"] = false } },
            ["a"] = new JsonArray(3, 1, new JsonObject { ["q"] = "2", ["p"] = "1" }),
        };

        Assert.Equal("{\"a\":[3,1,{\"p\":\"1\",\"q\":\"2\"}],\"z\":{\"x\":{\"c\":false,\"d\":true},\"y\":1}}", Canonical(obj));
    }

    [Fact]
    public void OutputHasNoInsignificantWhitespace()
    {
        var parsed = JsonNode.Parse("""
            {
              "b" : [ 1 , 2 , { "c" : null } ] ,
              "a" : "x y"
            }
            """)!;

        Assert.Equal("{\"a\":\"x y\",\"b\":[1,2,{\"c\":null}]}", Canonical(parsed));
    }

    [Fact]
    public void EmptyContainersAndLiteralsHaveTheirMinimalForm()
    {
        Assert.Equal("{}", Canonical(new JsonObject()));
        Assert.Equal("[]", Canonical(new JsonArray()));
        Assert.Equal("[true,false,null,0,-1]", Canonical(new JsonArray(true, false, null, 0, -1)));
    }

    [Fact]
    public void SerializingTheSameValueTwiceGivesTheSameBytes()
    {
        var obj = JsonNode.Parse("{\"b\":{\"d\":1,\"c\":[\"x\"]},\"a\":\"\u00e9\"}")!;

        Assert.Equal(CanonicalJson.Serialize(obj), CanonicalJson.Serialize(obj.DeepClone()));
    }

    // ---- strings -------------------------------------------------------------------------------

    [Fact]
    public void QuoteAndBackslashAreEscaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", CanonicalString("a\"b\\c"));
    }

    [Fact]
    public void ControlCharactersWithShortFormsUseThem()
    {
        Assert.Equal("\"\\b\\f\\n\\r\\t\"", CanonicalString("\b\f\n\r\t"));
    }

    [Theory]
    [InlineData('\u0000', "\\u0000")]
    [InlineData('\u0001', "\\u0001")]
    [InlineData('\u000b', "\\u000b")]
    [InlineData('\u000e', "\\u000e")]
    [InlineData('\u001f', "\\u001f")]
    public void OtherControlCharactersUseLowercaseUnicodeEscapes(char control, string expected)
    {
        Assert.Equal($"\"{expected}\"", CanonicalString(control.ToString()));
    }

    [Fact]
    public void SolidusDelLineSeparatorAndNonAsciiAreWrittenAsLiteralUtf8()
    {
        var value = "/\u007f\u2028\u2029\u00e9\u20ac\ud83d\ude00";
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJson.WriteString(value, buffer);

        byte[] expected = [(byte)'"', .. Encoding.UTF8.GetBytes(value), (byte)'"'];
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
        Assert.DoesNotContain((byte)'\\', buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void StringEscapingMatchesTheRfc8785StringExample()
    {
        // RFC 8785 §3.2.2 sample: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/" serialises as "€$\u000f\nA'B\"\\\\\"/".
        var parsed = JsonNode.Parse("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"")!;

        Assert.Equal("\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"", Canonical(parsed));
    }

    [Fact]
    public void KeysAreEscapedLikeValues()
    {
        Assert.Equal("{\"\\t\\\"\\u0001\":\"\\n\"}", Canonical(new JsonObject { ["\t\"\u0001"] = "\n" }));
    }

    [Fact]
    public void LoneSurrogatesAreRejected()
    {
        // Not [InlineData]: theory arguments are serialised as UTF-8 and a lone surrogate would arrive as U+FFFD.
        string[] values = ["\ud800", "a\udc00b", "\ude00\ud83d", "end\ud83d"];
        foreach (var value in values)
        {
            Assert.Throws<CanonicalJsonException>(() => CanonicalString(value));
            Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { ["k"] = value }));
            Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { [value] = 1 }));
        }
    }

    [Fact]
    public void LongStringsWithManyEscapesAreWrittenCompletely()
    {
        var value = string.Concat(Enumerable.Repeat("\u0001\"\u00e9\ud83d\ude00", 5000));

        var json = CanonicalString(value);

        Assert.Equal(2 + 5000 * ("\\u0001".Length + 2 + 1 + 2), json.Length);
        Assert.Equal(value, JsonNode.Parse(json)!.GetValue<string>());
    }

    // ---- numbers -------------------------------------------------------------------------------

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-1L, "-1")]
    [InlineData(42L, "42")]
    [InlineData(CanonicalJson.MaxSafeInteger, "9007199254740991")]
    [InlineData(-CanonicalJson.MaxSafeInteger, "-9007199254740991")]
    public void IntegersWithinTheSafeRangeAreWrittenInDecimal(long value, string expected)
    {
        Assert.Equal(expected, Canonical(JsonValue.Create(value)));
        Assert.Equal($"{{\"n\":{expected}}}", Canonical(new JsonObject { ["n"] = value }));
    }

    [Fact]
    public void IntAndParsedIntegerValuesAreAccepted()
    {
        Assert.Equal("[7,-7,123]", Canonical(new JsonArray(JsonValue.Create(7), JsonValue.Create(-7), JsonNode.Parse("123"))));
    }

    [Theory]
    [InlineData(CanonicalJson.MaxSafeInteger + 1)]
    [InlineData(-CanonicalJson.MaxSafeInteger - 1)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void IntegersOutsideTheSafeRangeAreRejected(long value)
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonValue.Create(value)));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { ["n"] = value }));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void DoublesAreRejectedByTheWriter(double value)
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonValue.Create(value)));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { ["n"] = value }));
    }

    [Theory]
    [InlineData("0.7")]
    [InlineData("1.0")]
    [InlineData("1e2")]
    public void ParsedNumbersWithAFractionOrExponentAreRejectedByTheWriter(string literal)
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonNode.Parse(literal)!));
    }

    [Fact]
    public void DecimalValuesAreRejectedByTheWriter()
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonValue.Create(1.5m)));
    }

    [Fact]
    public void CanonicalNumberTurnsAFractionIntoItsShortestDecimalString()
    {
        var node = CanonicalNumber.FromLiteral("0.7", out var error);

        Assert.Null(error);
        Assert.Equal("0.7", node!.GetValue<string>());
        Assert.Equal("\"0.7\"", Canonical(node));
    }

    [Theory]
    [InlineData("0.1", "0.1")]
    [InlineData("-2.5", "-2.5")]
    [InlineData("0.70", "0.7")]
    [InlineData("7e-1", "0.7")]
    public void CanonicalNumberWritesTheSameStringForEqualDecimals(string literal, string expected)
    {
        var node = CanonicalNumber.FromLiteral(literal, out var error);

        Assert.Null(error);
        Assert.Equal(expected, node!.GetValue<string>());
    }

    [Theory]
    [InlineData("1.0", 1)]
    [InlineData("1e2", 100)]
    [InlineData("1E2", 100)]
    [InlineData("100", 100)]
    [InlineData("-0", 0)]
    [InlineData("-3.0", -3)]
    [InlineData("0e-400", 0)]
    [InlineData("0.000e5", 0)]
    [InlineData("9007199254740991", 9_007_199_254_740_991)]
    [InlineData("-9007199254740991", -9_007_199_254_740_991)]
    public void CanonicalNumberTurnsIntegralValuesIntoIntegers(string literal, long expected)
    {
        var node = CanonicalNumber.FromLiteral(literal, out var error);

        Assert.Null(error);
        Assert.Equal(expected, node!.GetValue<long>());
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), Canonical(node));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("9007199254740992")]
    [InlineData("9007199254740993")]
    [InlineData("-9007199254740992")]
    [InlineData("12345678901234567890")]
    [InlineData("1e16")]
    [InlineData("9007199254740992.0")]
    [InlineData("1e-400")]
    [InlineData("-2.5E-999")]
    public void CanonicalNumberRejectsNumbersItCannotRepresentExactly(string literal)
    {
        var node = CanonicalNumber.FromLiteral(literal, out var error);

        Assert.Null(node);
        Assert.False(string.IsNullOrEmpty(error));
    }

    // ---- duplicate keys ------------------------------------------------------------------------

    [Fact]
    public void WriteObjectRejectsDuplicateKeys()
    {
        KeyValuePair<string, JsonNode?>[] members = [new("a", 1), new("b", 2), new("a", 3)];

        var error = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.WriteObject(members, new ArrayBufferWriter<byte>()));
        Assert.Contains("\"a\"", error.Message);
    }

    [Fact]
    public void WriteObjectTreatsKeysDifferingOnlyInCaseOrNormalisationAsDistinct()
    {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are different code unit sequences.
        KeyValuePair<string, JsonNode?>[] members = [new("a", 1), new("A", 2), new("\u00e9", 3), new("e\u0301", 4)];
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteObject(members, buffer);

        Assert.Equal("{\"A\":2,\"a\":1,\"e\u0301\":4,\"\u00e9\":3}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void WriteObjectDoesNotReparentTheMemberNodes()
    {
        var shared = new JsonObject { ["x"] = 1 };
        KeyValuePair<string, JsonNode?>[] members = [new("k", shared)];

        CanonicalJson.WriteObject(members, new ArrayBufferWriter<byte>());
        CanonicalJson.WriteObject(members, new ArrayBufferWriter<byte>());

        Assert.Null(shared.Parent);
    }

    // ---- timestamps ----------------------------------------------------------------------------

    [Fact]
    public void TimestampsAreConvertedToUtcWithSevenFractionalDigits()
    {
        var local = new DateTimeOffset(2026, 11, 26, 10, 30, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567);

        Assert.Equal("2026-11-26T09:30:00.1234567Z", Timestamps.ToCanonical(local));
    }

    [Fact]
    public void TimestampsCrossTheDateLineWhenTheOffsetDoes()
    {
        var tokyo = new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.FromHours(9));
        var newYork = new DateTimeOffset(2025, 12, 31, 19, 59, 59, TimeSpan.FromHours(-5));

        Assert.Equal("2025-12-31T20:00:00.0000000Z", Timestamps.ToCanonical(tokyo));
        Assert.Equal("2026-01-01T00:59:59.0000000Z", Timestamps.ToCanonical(newYork));
    }

    [Fact]
    public void UtcDateTimeAndUnspecifiedDateTimeAreTakenAsUtc()
    {
        var utc = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(8);
        var unspecified = DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);

        Assert.Equal("2026-03-04T05:06:07.0000008Z", Timestamps.ToCanonical(utc));
        Assert.Equal("2026-03-04T05:06:07.0000008Z", Timestamps.ToCanonical(unspecified));
    }
}
