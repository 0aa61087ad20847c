using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.EventBatches;

namespace AuditPortal.Tests.Ledger;

/// <summary>The envelope (the Merkle leaf) and the salted content commitment.</summary>
public partial class EnvelopeTests
{
    private static readonly DateTime OccurredAt = new(2026, 11, 26, 9, 30, 0, 123, DateTimeKind.Utc);
    private static readonly DateTime RecordedAt = new DateTime(2026, 11, 26, 9, 30, 1, DateTimeKind.Utc).AddTicks(4_567);
    private static readonly byte[] Salt = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] ContentBytes = Encoding.UTF8.GetBytes("{\"input\":[{\"content\":\"Hi\",\"role\":\"user\"}],\"output\":[]}");

    private static EventDraft Draft(IReadOnlyDictionary<string, JsonNode>? fields = null) => new()
    {
        EventId = "evt-0001",
        Type = "llm.call",
        OccurredAtUtc = OccurredAt,
        Actor = new ActorRef("Alice@Example.COM", ActorKinds.User, "Alice Liddell"),
        SubmittedBy = new ActorRef("Support-Bot", ActorKinds.Service),
        Fields = fields ?? new Dictionary<string, JsonNode>
        {
            ["application"] = "Claims-Assistant",
            ["model"] = "GPT-4o",
            ["provider"] = "openai",
            ["prompt"] = new JsonObject { ["name"] = "Triage", ["version"] = 3L }, // long, as EventBatchParser stores it
            ["attributes"] = new JsonObject { ["Region"] = "EU-West", ["retries"] = 2, ["cached"] = false },
        },
        Content = ContentBytes,
    };

    private static byte[] Render(EventDraft draft, long sequence = 41) =>
        Envelope.Render(draft, sequence, RecordedAt, Envelope.Commitment(Salt, draft.Content));

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex CommitmentPattern();

    // ---- rendering -----------------------------------------------------------------------------

    [Fact]
    public void RenderingTheSameDraftTwiceGivesTheSameBytes()
    {
        var draft = Draft();
        var first = Render(draft);
        var again = Render(draft);
        var fromAnEqualDraft = Render(Draft());

        Assert.Equal(first, again);
        Assert.Equal(first, fromAnEqualDraft);
    }

    [Fact]
    public void RenderingDoesNotReparentOrChangeTheDraftFields()
    {
        var draft = Draft();
        var before = draft.Fields.ToDictionary(f => f.Key, f => f.Value.ToJsonString());

        Render(draft);
        Render(draft, sequence: 42);

        Assert.All(draft.Fields, f => Assert.Null(f.Value.Parent));
        Assert.Equal(before, draft.Fields.ToDictionary(f => f.Key, f => f.Value.ToJsonString()));
    }

    [Fact]
    public void TheEnvelopeCarriesTheLedgerFieldsAndTheDraftFields()
    {
        using var json = JsonDocument.Parse(Render(Draft()));
        var root = json.RootElement;

        Assert.Equal(Envelope.Version, root.GetProperty("v").GetInt32());
        Assert.Equal(41, root.GetProperty("sequence").GetInt64());
        Assert.Equal("evt-0001", root.GetProperty("id").GetString());
        Assert.Equal("llm.call", root.GetProperty("type").GetString());
        Assert.Equal("2026-11-26T09:30:00.1230000Z", root.GetProperty("occurredAt").GetString());
        Assert.Equal("2026-11-26T09:30:01.0004567Z", root.GetProperty("recordedAt").GetString());
        Assert.Equal("Alice@Example.COM", root.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("user", root.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("Alice Liddell", root.GetProperty("actor").GetProperty("displayName").GetString());
        Assert.Equal("Support-Bot", root.GetProperty("submittedBy").GetProperty("id").GetString());
        Assert.Equal("service", root.GetProperty("submittedBy").GetProperty("kind").GetString());
        Assert.False(root.GetProperty("submittedBy").TryGetProperty("displayName", out _));
        Assert.Matches(CommitmentPattern(), root.GetProperty("content").GetString());
        Assert.Equal("Claims-Assistant", root.GetProperty("application").GetString());
        Assert.Equal(3, root.GetProperty("prompt").GetProperty("version").GetInt32());
        Assert.Equal(2, root.GetProperty("attributes").GetProperty("retries").GetInt32());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(9L)]
    [InlineData(10L)]
    [InlineData(123_456_789L)]
    [InlineData(CanonicalJson.MaxSafeInteger)]
    public void APreparedEnvelopeCompletedLaterEqualsTheCanonicalJsonOfTheWholeObject(long sequence)
    {
        var draft = Draft();
        var commitment = Envelope.Commitment(Salt, draft.Content);
        var recordedAt = new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(sequence % 10_000_000);
        var whole = new JsonObject
        {
            ["v"] = 1,
            ["sequence"] = sequence,
            ["id"] = draft.EventId,
            ["type"] = draft.Type,
            ["occurredAt"] = Timestamps.ToCanonical(draft.OccurredAtUtc),
            ["recordedAt"] = Timestamps.ToCanonical(recordedAt),
            ["actor"] = draft.Actor.ToJson(),
            ["submittedBy"] = draft.SubmittedBy.ToJson(),
            ["content"] = "sha256:" + Convert.ToHexStringLower(commitment),
        };
        foreach (var (key, value) in draft.Fields) whole[key] = value.DeepClone();

        var completed = Envelope.Template(draft, commitment).Render(sequence, recordedAt);

        Assert.Equal(Encoding.UTF8.GetString(CanonicalJson.Serialize(whole)), Encoding.UTF8.GetString(completed));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(CanonicalJson.MaxSafeInteger + 1)]
    public void APreparedEnvelopeRefusesSequencesOutsideTheCanonicalRange(long sequence)
    {
        var draft = Draft();
        var open = Envelope.Template(draft, Envelope.Commitment(Salt, draft.Content));

        Assert.Throws<ArgumentOutOfRangeException>(() => open.Render(sequence, RecordedAt));
    }

    [Fact]
    public void TheEnvelopeIsExactlyTheCanonicalJsonOfItsFields()
    {
        var draft = Draft(new Dictionary<string, JsonNode> { ["application"] = "app" });
        var commitment = Envelope.Commitment(Salt, draft.Content);

        var envelope = Encoding.UTF8.GetString(Envelope.Render(draft, 7, RecordedAt, commitment));

        Assert.Equal(
            "{\"actor\":{\"displayName\":\"Alice Liddell\",\"id\":\"Alice@Example.COM\",\"kind\":\"user\"}," +
            "\"application\":\"app\"," +
            $"\"content\":\"sha256:{Convert.ToHexStringLower(commitment)}\"," +
            "\"id\":\"evt-0001\"," +
            "\"occurredAt\":\"2026-11-26T09:30:00.1230000Z\"," +
            "\"recordedAt\":\"2026-11-26T09:30:01.0004567Z\"," +
            "\"sequence\":7," +
            "\"submittedBy\":{\"id\":\"Support-Bot\",\"kind\":\"service\"}," +
            "\"type\":\"llm.call\"," +
            "\"v\":1}",
            envelope);
    }

    [Fact]
    public void TheEnvelopeIsAFixedPointOfTheCanonicalWriter()
    {
        var envelope = Render(Draft());

        Assert.Equal(envelope, CanonicalJson.Serialize(JsonNode.Parse(envelope)!));
    }

    [Fact]
    public void TheSequenceIsBoundIntoTheLeaf()
    {
        var draft = Draft();

        Assert.NotEqual(Render(draft, sequence: 1), Render(draft, sequence: 2));
    }

    [Theory]
    [InlineData("v")]
    [InlineData("sequence")]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("occurredAt")]
    [InlineData("recordedAt")]
    [InlineData("actor")]
    [InlineData("submittedBy")]
    [InlineData("content")]
    public void ADraftFieldThatCollidesWithALedgerFieldIsRefused(string name)
    {
        var draft = Draft(new Dictionary<string, JsonNode> { ["application"] = "app", [name] = 999 });

        var error = Assert.Throws<ArgumentException>(() => Render(draft));
        Assert.Contains($"\"{name}\"", error.Message);
    }

    [Fact]
    public void ADraftFieldThatIsNotCanonicalIsRefused()
    {
        var draft = Draft(new Dictionary<string, JsonNode> { ["temperature"] = JsonValue.Create(0.7) });

        Assert.Throws<CanonicalJsonException>(() => Render(draft));
    }

    // ---- content commitment --------------------------------------------------------------------

    [Fact]
    public void TheCommitmentIsSha256OfTheDomainTagSaltAndContent()
    {
        byte[] input = [.. "auditportal/content/v1"u8, 0x00, .. Salt, .. ContentBytes];
        var expected = SHA256.HashData(input);

        Assert.Equal(expected, Envelope.Commitment(Salt, ContentBytes));
    }

    [Fact]
    public void TheEnvelopeNamesTheCommitmentAsLowercaseHex()
    {
        byte[] input = [.. "auditportal/content/v1"u8, 0x00, .. Salt, .. ContentBytes];
        var expected = "sha256:" + Convert.ToHexString(SHA256.HashData(input)).ToLowerInvariant();

        using var json = JsonDocument.Parse(Render(Draft()));

        Assert.Equal(expected, json.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public void TheCommitmentDependsOnTheSaltAndIsDomainSeparated()
    {
        var otherSalt = Salt.ToArray();
        otherSalt[0] ^= 0xff;

        Assert.NotEqual(Envelope.Commitment(Salt, ContentBytes), Envelope.Commitment(otherSalt, ContentBytes));
        Assert.NotEqual(SHA256.HashData([.. Salt, .. ContentBytes]), Envelope.Commitment(Salt, ContentBytes));
        Assert.NotEqual(Envelope.Commitment(Salt, ContentBytes), Envelope.Commitment(Salt, [.. ContentBytes, (byte)' ']));
    }

    // ---- search text ---------------------------------------------------------------------------

    [Fact]
    public void SearchTextIsLowerCaseAndHoldsTheStringValues()
    {
        var text = EnvelopeSearchText.Of(Render(Draft()));

        Assert.Equal(text.ToLowerInvariant(), text);
        Assert.Contains("alice@example.com", text);
        Assert.Contains("alice liddell", text);
        Assert.Contains("support-bot", text);
        Assert.Contains("claims-assistant", text);
        Assert.Contains("gpt-4o", text);
        Assert.Contains("triage", text);
        Assert.Contains("eu-west", text);
        Assert.Contains("evt-0001", text);
        Assert.Contains("llm.call", text);
    }

    [Fact]
    public void SearchTextLeavesOutTheContent()
    {
        var draft = Draft();
        var secret = new EventDraft
        {
            EventId = draft.EventId, Type = draft.Type, OccurredAtUtc = draft.OccurredAtUtc, Actor = draft.Actor,
            SubmittedBy = draft.SubmittedBy, Fields = draft.Fields,
            Content = Encoding.UTF8.GetBytes("{\"input\":[{\"content\":\"TopSecretDiagnosis\",\"role\":\"user\"}]}"),
        };

        Assert.DoesNotContain("topsecretdiagnosis", EnvelopeSearchText.Of(Render(secret)));
    }

    [Fact]
    public void SearchTextIsCappedAtItsColumnWidth()
    {
        var draft = Draft(new Dictionary<string, JsonNode> { ["attributes"] = new JsonObject { ["note"] = new string('X', 5000) } });

        var text = EnvelopeSearchText.Of(Render(draft));

        Assert.Equal(Envelope.MaxSearchText, text.Length);
        Assert.StartsWith("evt-0001", text);
    }

    [Fact]
    public void SearchTextDependsOnlyOnTheEnvelopeBytesNotOnHowTheDraftWasBuilt()
    {
        // The same event with its fields (and nested attributes) inserted in another order renders the
        // same canonical envelope, so verify can recompute the search text from the bytes alone.
        var inOrder = Draft(new Dictionary<string, JsonNode>
        {
            ["application"] = "claims", ["attributes"] = new JsonObject { ["a"] = "first", ["b"] = "second" },
        });
        var reversed = Draft(new Dictionary<string, JsonNode>
        {
            ["attributes"] = new JsonObject { ["b"] = "second", ["a"] = "first" }, ["application"] = "claims",
        });
        Assert.Equal(Render(inOrder), Render(reversed));

        Assert.Equal("evt-0001\nllm.call\nalice@example.com\nsupport-bot\nalice liddell\nclaims\nfirst\nsecond",
            EnvelopeSearchText.Of(Render(reversed)));
    }

    [Fact]
    public void SearchTextLowersEveryCharacterAsToLowerInvariantDoes()
    {
        const string note = "Plain ASCII, then Ça Va ÉCOLE STRASSE ΣΟΦΙΑ \U00010400X and ASCII AGAIN";
        var text = EnvelopeSearchText.Of(Render(Draft(new Dictionary<string, JsonNode> { ["attributes"] = new JsonObject { ["note"] = note } })));

        Assert.Contains(note.ToLowerInvariant(), text);
        Assert.Contains("ça va école strasse σοφια \U00010428x and ascii again", text);
    }

    [Fact]
    public void SearchTextIsNotCutInsideASurrogatePair()
    {
        // An emoji straddling the cap would leave half a pair, which UTF-8 storage turns into U+FFFD
        // and verify would then report as an edited search text.
        var prefix = "evt-0001\nllm.call\nalice@example.com\nsupport-bot\nalice liddell\n".Length;
        var note = new string('x', Envelope.MaxSearchText - prefix - 1) + "\U0001F600 tail";
        var text = EnvelopeSearchText.Of(Render(Draft(new Dictionary<string, JsonNode> { ["attributes"] = new JsonObject { ["note"] = note } })));

        Assert.Equal(Envelope.MaxSearchText - 1, text.Length);
        Assert.False(char.IsHighSurrogate(text[^1]));
    }

    /// <summary>
    /// verify's fast path derives the search text from the envelope's bytes when every value is plain
    /// ASCII. It must be byte for byte the UTF-8 of what ingestion stores (EnvelopeSearchText.Of), or
    /// verify would call healthy rows edited: upper case, truncation in the leading values and in the
    /// rest, nested values, and (where the fast path declines) escapes and text beyond ASCII.
    /// </summary>
    [Fact]
    public void TheAsciiSearchTextIsTheUtf8OfTheSearchTextByteForByte()
    {
        var random = new Random(11);
        var buffer = new byte[Envelope.MaxSearchText];
        var (taken, declined) = (0, 0);
        for (var i = 0; i < 600; i++)
        {
            var attributes = new JsonObject();
            for (var a = random.Next(0, 6); a > 0; a--)
                attributes[$"k{a}"] = random.Next(4) == 0 ? new JsonArray(Text(random), 7, new JsonObject { ["deep"] = Text(random) }) : Text(random);
            var draft = new EventDraft
            {
                EventId = Text(random, 1, 300),
                Type = "llm.call",
                OccurredAtUtc = OccurredAt,
                Actor = new ActorRef(Text(random, 1, 200), ActorKinds.User, random.Next(2) == 0 ? null : Text(random, 1, 200)),
                SubmittedBy = new ActorRef(Text(random, 1, 100), ActorKinds.Service),
                Fields = new Dictionary<string, JsonNode> { ["model"] = Text(random, 1, 40), ["attributes"] = attributes },
                Content = ContentBytes,
            };
            var envelope = Render(draft);

            var length = AsciiSearchText.Write(envelope, buffer);

            if (length < 0) { declined++; continue; }
            taken++;
            Assert.Equal(Encoding.UTF8.GetString(buffer, 0, length), EnvelopeSearchText.Of(envelope));
        }
        // Most values are plain ASCII, so the fast path must have been taken for most envelopes; some
        // hold a quote, a backslash, a line feed or a letter beyond ASCII, and are left to the full path.
        Assert.InRange(taken, 300, 600);
        Assert.InRange(declined, 1, 300);

        static string Text(Random random, int min = 0, int max = 2 * Envelope.MaxSearchText / 3)
        {
            const string plain = "abcXYZ019 -_.:@/ABCdefGHIjklMNOpqrSTUvwxyz";
            var chars = new char[random.Next(min, max)];
            for (var c = 0; c < chars.Length; c++) chars[c] = plain[random.Next(plain.Length)];
            if (chars.Length > 0 && random.Next(40) == 0) chars[random.Next(chars.Length)] = "\"\\\nÉ€"[random.Next(5)];
            return new string(chars);
        }
    }

    [Theory]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("two\nlines")]
    [InlineData("ÉCOLE")]
    [InlineData("\U0001F600")]
    public void TheAsciiSearchTextDeclinesEscapesAndTextBeyondAscii(string note)
    {
        var envelope = Render(Draft(new Dictionary<string, JsonNode> { ["attributes"] = new JsonObject { ["note"] = note } }));

        Assert.Equal(-1, AsciiSearchText.Write(envelope, new byte[Envelope.MaxSearchText]));
        Assert.NotEqual(-1, AsciiSearchText.Write(Render(Draft()), new byte[Envelope.MaxSearchText]));
    }

    [Fact]
    public void DraftAccessorsReadTheFilterColumnsFromTheFields()
    {
        var draft = Draft();

        Assert.Equal("Claims-Assistant", draft.Application);
        Assert.Equal("GPT-4o", draft.Model);
        Assert.Equal("openai", draft.Provider);
        Assert.Equal("Triage", draft.PromptName);
        Assert.Equal(3, draft.PromptVersion);
        Assert.Null(Draft(new Dictionary<string, JsonNode>()).PromptName);
    }
}
