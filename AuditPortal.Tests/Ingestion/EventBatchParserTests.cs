using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.EventBatches;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using AuditPortal.Redaction;

namespace AuditPortal.Tests.Ingestion;

/// <summary>
/// Strict ingestion (DESIGN.md §4): every rejection is reported under the path of the offending field,
/// and a batch with any invalid event yields no events at all.
/// </summary>
public class EventBatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly ActorRef Submitter = new("support-bot", ActorKinds.Service);
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A clock that always says <see cref="Now"/>.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static BatchParseResult Parse(byte[] body) => new EventBatchParser(new FixedTime(Now), new ContentRedactor(RedactionPlan.None)).Parse(body, Submitter);

    private static BatchParseResult Parse(string body) => Parse(Encoding.UTF8.GetBytes(body));

    private static BatchParseResult ParseEvents(params JsonNode[] events) => Parse(Body(events));

    private static string Body(params JsonNode[] events) => "{\"events\":[" + string.Join(",", events.Select(Json)) + "]}";

    private static string Json(JsonNode node) => node.ToJsonString(Plain);

    private static JsonObject Actor(string id = "alice@example.com", string kind = "user") =>
        new() { ["id"] = id, ["kind"] = kind, ["displayName"] = "Alice Moreau" };

    private static JsonObject Access(string id = "acc-1") => new()
    {
        ["id"] = id,
        ["type"] = "access",
        ["occurredAt"] = "2026-11-26T10:30:00.123+01:00",
        ["actor"] = Actor(),
    };

    private static JsonObject LlmCall(string id = "call-1") => new()
    {
        ["id"] = id,
        ["type"] = "llm.call",
        ["occurredAt"] = "2026-11-26T09:30:00Z",
        ["actor"] = Actor("cust-1042"),
        ["application"] = "support-bot",
        ["model"] = "gpt-4o",
        ["provider"] = "openai",
        ["status"] = "ok",
        ["input"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "You are helpful." },
            new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
        ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Hello!\nHow can I help?" }),
    };

    private static JsonObject PromptCreated(string id = "pv-1") => new()
    {
        ["id"] = id,
        ["type"] = "prompt.version.created",
        ["occurredAt"] = "2026-11-26T09:00:00Z",
        ["actor"] = Actor(),
        ["prompt"] = new JsonObject
        {
            ["name"] = "support-reply",
            ["version"] = 2,
            ["parentVersion"] = 1,
            ["template"] = "Answer about {{topic}}.\nBe brief.",
            ["changeNote"] = "Shorter.",
        },
    };

    private static JsonObject With(JsonObject e, string name, JsonNode? value)
    {
        e[name] = value;
        return e;
    }

    private static JsonObject Without(JsonObject e, string name)
    {
        Assert.True(e.Remove(name));
        return e;
    }

    private static IncomingEvent Single(BatchParseResult result)
    {
        Assert.True(result.IsValid, Describe(result));
        return Assert.Single(result.Events);
    }

    private static string Describe(BatchParseResult result) =>
        string.Join("; ", result.Errors.ToDictionary().Select(e => $"\"{e.Key}\": {string.Join(" | ", e.Value)}"));

    /// <summary>Asserts the batch was rejected as a whole, with errors under exactly these keys.</summary>
    private static Dictionary<string, string[]> AssertRejected(BatchParseResult result, params string[] keys)
    {
        Assert.False(result.IsValid);
        Assert.Empty(result.Events);
        var errors = result.Errors.ToDictionary();
        Assert.True(keys.Order(StringComparer.Ordinal).SequenceEqual(errors.Keys.Order(StringComparer.Ordinal)),
            $"expected errors at [{string.Join(", ", keys)}]; got {Describe(result)}");
        return errors;
    }

    private static string Content(IncomingEvent e) => Encoding.UTF8.GetString(e.Draft.Content);

    private static string Canonical(JsonNode node) => Encoding.UTF8.GetString(CanonicalJson.Serialize(node));

    // ---- valid events --------------------------------------------------------------------------

    [Fact]
    public void AFullLlmCallParsesIntoEnvelopeFieldsAndCanonicalContent()
    {
        var call = LlmCall();
        call["responseModel"] = "gpt-4o-2024-08-06";
        call["sessionId"] = "sess-1";
        call["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        call["spanId"] = "00f067aa0ba902b7";
        call["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 2 };
        call["parameters"] = JsonNode.Parse("""{"temperature":0.7,"maxTokens":400,"stream":false,"stop":"END","topP":1.0}""");
        call["usage"] = new JsonObject { ["inputTokens"] = 120, ["outputTokens"] = 48 };
        call["latencyMs"] = 850;
        call["attributes"] = JsonNode.Parse("""{"region":"eu-west","retries":2,"cached":false,"score":0.25}""");

        var e = Single(ParseEvents(call));

        Assert.Equal("events[0]", e.Path);
        Assert.Equal("call-1", e.Draft.EventId);
        Assert.Equal("llm.call", e.Draft.Type);
        Assert.Equal(new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc), e.Draft.OccurredAtUtc);
        Assert.Equal(DateTimeKind.Utc, e.Draft.OccurredAtUtc.Kind);
        Assert.Equal(new ActorRef("cust-1042", "user", "Alice Moreau"), e.Draft.Actor);
        Assert.Equal(Submitter, e.Draft.SubmittedBy);
        Assert.Equal("gpt-4o", e.Draft.Model);
        Assert.Equal("openai", e.Draft.Provider);
        Assert.Equal("support-bot", e.Draft.Application);
        Assert.Equal("support-reply", e.Draft.PromptName);
        Assert.Equal(2, e.Draft.PromptVersion);
        Assert.Equal(new PromptReference("support-reply", 2), e.Prompt);
        Assert.Equal(
            ["application", "attributes", "latencyMs", "model", "prompt", "provider", "responseModel", "sessionId", "spanId", "status", "traceId", "usage"],
            e.Draft.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("""{"cached":false,"region":"eu-west","retries":2,"score":"0.25"}""", Canonical(e.Draft.Fields["attributes"]));
        Assert.Equal("""{"inputTokens":120,"outputTokens":48}""", Canonical(e.Draft.Fields["usage"]));
        Assert.Equal(
            "{\"input\":[{\"content\":\"You are helpful.\",\"role\":\"system\"},{\"content\":\"Hi\",\"role\":\"user\"}]," +
            "\"output\":[{\"content\":\"Hello!\\nHow can I help?\",\"role\":\"assistant\"}]," +
            "\"parameters\":{\"maxTokens\":400,\"stop\":\"END\",\"stream\":false,\"temperature\":\"0.7\",\"topP\":1}}",
            Content(e));
    }

    [Fact]
    public void AMinimalLlmCallWithAnEmptyOutputParses()
    {
        var call = With(LlmCall(), "output", new JsonArray());
        call["status"] = "error";
        call["error"] = "upstream timeout";

        var e = Single(ParseEvents(call));

        Assert.Null(e.Prompt);
        Assert.Contains("\"error\":\"upstream timeout\"", Content(e));
        Assert.Contains("\"output\":[]", Content(e));
    }

    [Fact]
    public void APromptVersionCreatedEventParsesWithItsParentAndTemplate()
    {
        var e = Single(ParseEvents(PromptCreated()));

        Assert.Equal(new PromptReference("support-reply", 2, 1), e.Prompt);
        Assert.Equal("""{"name":"support-reply","parentVersion":1,"version":2}""", Canonical(e.Draft.Fields["prompt"]));
        Assert.Equal("{\"changeNote\":\"Shorter.\",\"template\":\"Answer about {{topic}}.\\nBe brief.\"}", Content(e));
    }

    [Theory]
    [InlineData("prompt.version.approved")]
    [InlineData("prompt.version.rejected")]
    [InlineData("prompt.version.published")]
    public void APromptDecisionEventParsesWithItsComment(string type)
    {
        var decision = With(Access("dec-1"), "type", type);
        decision["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 2 };
        decision["comment"] = "Matches the policy.";

        var e = Single(ParseEvents(decision));

        Assert.Equal(type, e.Draft.Type);
        Assert.Equal(new PromptReference("support-reply", 2), e.Prompt);
        Assert.Equal("{\"comment\":\"Matches the policy.\"}", Content(e));
    }

    [Fact]
    public void AnAccessEventParsesWithAttributesAndAnEmptyContent()
    {
        var access = With(Access(), "attributes", JsonNode.Parse("""{"view":"timeline","count":25,"export":true}"""));

        var e = Single(ParseEvents(access));

        Assert.Equal("access", e.Draft.Type);
        Assert.Equal(new DateTime(2026, 11, 26, 9, 30, 0, 123, DateTimeKind.Utc), e.Draft.OccurredAtUtc);
        Assert.Equal("""{"count":25,"export":true,"view":"timeline"}""", Canonical(e.Draft.Fields["attributes"]));
        Assert.Equal("{}", Content(e));
        Assert.Null(e.Prompt);
    }

    [Theory]
    [InlineData("x-custom")]
    [InlineData("x-deploy.finished")]
    [InlineData("x-a")]
    [InlineData("config.changed")]
    public void CustomAndConfigurationEventsParse(string type)
    {
        var e = Single(ParseEvents(With(Access(), "type", type)));

        Assert.Equal(type, e.Draft.Type);
    }

    [Fact]
    public void ErrorsAfterTheFirstHundredAreCountedButNotKept()
    {
        var events = Enumerable.Range(0, 30).Select(i =>
        {
            var e = Access($"acc-{i}");
            for (var f = 0; f < 10; f++) e[$"unknown{f}"] = f;
            return (JsonNode)e;
        }).ToArray();

        var result = ParseEvents(events);

        Assert.False(result.IsValid);
        Assert.Equal(300, result.Errors.Count);
        Assert.True(result.Errors.Truncated);
        var listed = result.Errors.ToDictionary();
        Assert.Equal(FieldErrors.MaxListed, listed.Sum(e => e.Value.Length));
        Assert.Equal("events[0].unknown0", listed.Keys.Order(StringComparer.Ordinal).First());
    }

    [Fact]
    public void EventsComeOutInRequestOrderWithTheirPaths()
    {
        var result = ParseEvents(LlmCall("a"), Access("b"), PromptCreated("c"), With(Access("d"), "type", "x-custom"));

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(["a", "b", "c", "d"], result.Events.Select(e => e.Draft.EventId));
        Assert.Equal(["events[0]", "events[1]", "events[2]", "events[3]"], result.Events.Select(e => e.Path));
    }

    [Fact]
    public void EveryParsedDraftRendersAsAnEnvelope()
    {
        var call = LlmCall();
        call["attributes"] = JsonNode.Parse("""{"score":0.25,"big":9007199254740991}""");
        var result = ParseEvents(call, Access(), PromptCreated());

        Assert.True(result.IsValid, Describe(result));
        foreach (var e in result.Events)
        {
            var envelope = Envelope.Render(e.Draft, 0, Now.UtcDateTime, Envelope.Commitment(new byte[32], e.Draft.Content));
            Assert.NotEmpty(envelope);
        }
    }

    [Fact]
    public void ABatchOfExactlyOneThousandEventsIsAccepted()
    {
        var result = ParseEvents([.. Enumerable.Range(0, EventBatchParser.MaxEvents).Select(i => (JsonNode)Access($"acc-{i}"))]);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(1000, result.Events.Count);
    }

    [Theory]
    [InlineData("2026-11-26T09:30:00Z", "2026-11-26T09:30:00.0000000Z")]
    [InlineData("2026-11-26t09:30:00z", "2026-11-26T09:30:00.0000000Z")]
    [InlineData("2026-11-26T10:30:00+01:00", "2026-11-26T09:30:00.0000000Z")]
    [InlineData("2026-11-26T04:00:00-05:30", "2026-11-26T09:30:00.0000000Z")]
    [InlineData("2026-11-26T09:30:00.123456789Z", "2026-11-26T09:30:00.1234567Z")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000Z")]
    [InlineData("2026-11-27T12:00:00Z", "2026-11-27T12:00:00.0000000Z")] // exactly 24 hours ahead
    [InlineData("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.0000000Z")]
    public void Rfc3339TimestampsWithAnOffsetAreAcceptedAndNormalisedToUtc(string occurredAt, string canonical)
    {
        var e = Single(ParseEvents(With(Access(), "occurredAt", occurredAt)));

        Assert.Equal(canonical, Timestamps.ToCanonical(e.Draft.OccurredAtUtc));
    }

    // ---- the body as a whole -------------------------------------------------------------------

    [Theory]
    [InlineData("not json", "")]
    [InlineData("", "")]
    [InlineData("{\"events\":[", "events")]
    [InlineData("{\"events\":[],}", "")]
    [InlineData("{\"events\":[] /* comment */}", "")]
    [InlineData("{'events':[]}", "")]
    public void ASyntaxErrorIsReportedWhereItOccurs(string body, string path)
    {
        var errors = AssertRejected(Parse(body), path);

        Assert.Contains("not valid JSON", errors[path][0]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"events\"")]
    [InlineData("null")]
    public void ABodyThatIsNotAnObjectIsRejectedAtTheRoot(string body)
    {
        AssertRejected(Parse(body), "");
    }

    [Fact]
    public void InvalidUtf8BytesAreRejected()
    {
        var json = Encoding.UTF8.GetBytes(Body(With(Access(), "id", "caf\u00e9")));
        var at = Array.IndexOf(json, (byte)0xC3);
        json[at + 1] = 0x28; // 0xC3 0x28 is not a UTF-8 sequence

        var errors = AssertRejected(Parse(json), "");

        Assert.Contains("UTF-8", errors[""][0]);
    }

    [Theory]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong '/'
    [InlineData(new byte[] { 0xFF })]
    public void UnicodeThatIsNotWellFormedUtf8IsRejected(byte[] bad)
    {
        byte[] body = [.. Encoding.UTF8.GetBytes(Body(Access()))[..^3], .. ",\"x\":\""u8, .. bad, .. "\"}]}"u8];

        AssertRejected(Parse(body), "");
    }

    [Fact]
    public void UnknownTopLevelFieldsAreRejected()
    {
        AssertRejected(Parse("{\"events\":[" + Json(Access()) + "],\"eventz\":[]}"), "eventz");
    }

    [Fact]
    public void AMissingEventsArrayIsRejected()
    {
        AssertRejected(Parse("{}"), "events");
    }

    [Fact]
    public void EventsThatAreNotAnArrayAreRejected()
    {
        AssertRejected(Parse("{\"events\":" + Json(Access()) + "}"), "events");
    }

    [Fact]
    public void ABatchWithoutEventsIsRejected()
    {
        var errors = AssertRejected(Parse("{\"events\":[]}"), "events");

        Assert.Contains("1 to 1000", errors["events"][0]);
    }

    [Fact]
    public void ABatchOfMoreThanOneThousandEventsIsRejected()
    {
        var result = ParseEvents([.. Enumerable.Range(0, EventBatchParser.MaxEvents + 1).Select(i => (JsonNode)Access($"acc-{i}"))]);

        var errors = AssertRejected(result, "events");
        Assert.Contains("1 to 1000", errors["events"][0]);
    }

    [Fact]
    public void AnEventThatIsNotAnObjectIsRejectedByItsIndex()
    {
        AssertRejected(Parse("{\"events\":[" + Json(Access()) + ",\"acc-2\"]}"), "events[1]");
    }

    // ---- strict JSON ---------------------------------------------------------------------------

    [Fact]
    public void ALoneSurrogateEscapeInAStringIsRejectedAtThatString()
    {
        var body = Body(Access()).Replace("\"alice@example.com\"", "\"alice\\ud800\"", StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0].actor.id");
        Assert.Contains("surrogate", errors["events[0].actor.id"][0]);
    }

    [Fact]
    public void ALoneLowSurrogateEscapeInMessageContentIsRejectedAtThatMessage()
    {
        var body = Body(LlmCall()).Replace("\"Hi\"", "\"Hi \\udc00 there\"", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].input[1].content");
    }

    [Fact]
    public void ALoneSurrogateEscapeInAnAttributeValueIsRejectedAtThatAttribute()
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["note"] = "PLACEHOLDER" }))
            .Replace("PLACEHOLDER", "\\ud83d", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes.note");
    }

    [Fact]
    public void APairedSurrogateEscapeIsAccepted()
    {
        var body = Body(Access()).Replace("\"Alice Moreau\"", "\"Alice \\ud83d\\ude00\"", StringComparison.Ordinal);

        var e = Single(Parse(body));

        Assert.Equal("Alice \U0001F600", e.Draft.Actor.DisplayName);
    }

    [Theory]
    [InlineData("\\uDBFF")]
    [InlineData("\\uDc00")]
    [InlineData("\\udfff")]
    public void ALoneSurrogateEscapeInAFieldNameIsFoundInAnyCaseBesideOtherEscapes(string escape)
    {
        // The parser looks for names to decode only when the body has a \uD800–\uDFFF escape; '+' as
        // \u002B (what System.Text.Json writes) must not hide one, nor must upper-case hex.
        var body = Body(Access()).Replace("+01:00", "\\u002B01:00", StringComparison.Ordinal)
            .Replace("\"type\":", "\"ty" + escape + "pe\":\"x\",\"type\":", StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0]");
        Assert.Contains("surrogate", errors["events[0]"][0]);
    }

    [Fact]
    public void AnEscapedPlusInATimestampIsAccepted()
    {
        var body = Body(Access()).Replace("+01:00", "\\u002B01:00", StringComparison.Ordinal);

        Assert.Equal(new DateTime(2026, 11, 26, 9, 30, 0, 123, DateTimeKind.Utc), Single(Parse(body)).Draft.OccurredAtUtc);
    }

    [Fact]
    public void ALoneSurrogateEscapeInAFieldNameIsRejectedAtTheObjectHoldingIt()
    {
        var body = Body(Access()).Replace("\"type\":", "\"ty\\ud800pe\":\"x\",\"type\":", StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0]");
        Assert.Contains("surrogate", errors["events[0]"][0]);
    }

    [Fact]
    public void ALoneSurrogateEscapeInATopLevelFieldNameIsRejectedAtTheRoot()
    {
        AssertRejected(Parse("{\"\\ud800\":1,\"events\":[" + Json(Access()) + "]}"), "");
    }

    [Fact]
    public void ALoneSurrogateEscapeInAMessageFieldNameIsRejectedAtThatMessage()
    {
        var body = Body(LlmCall()).Replace("\"content\":\"Hi\"", "\"content\":\"Hi\",\"\\ud800x\":1", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].input[1]");
    }

    [Fact]
    public void ALoneSurrogateEscapeInAnActorFieldNameIsRejectedAtTheActor()
    {
        var body = Body(Access()).Replace("\"kind\":", "\"\\udc00\":1,\"kind\":", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].actor");
    }

    [Fact]
    public void ALoneSurrogateEscapeInAnAttributeNameIsRejectedAtTheAttributes()
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["PLACEHOLDER"] = "x" }))
            .Replace("PLACEHOLDER", "k\\udfff", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(".5")]
    public void NonJsonNumberLiteralsAreRejected(string literal)
    {
        var body = Body(With(LlmCall(), "latencyMs", 1234)).Replace("1234", literal, StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0].latencyMs");
        Assert.Contains("not valid JSON", errors["events[0].latencyMs"][0]);
    }

    [Fact]
    public void NaNInAttributesIsRejected()
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["score"] = 1234 })).Replace("1234", "NaN", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes.score");
    }

    [Fact]
    public void DuplicateKeysAtTheTopLevelAreRejected()
    {
        var events = "[" + Json(Access()) + "]";

        var errors = AssertRejected(Parse("{\"events\":" + events + ",\"events\":" + events + "}"), "events");
        Assert.Contains("more than once", errors["events"][0]);
    }

    [Fact]
    public void DuplicateKeysInsideAnEventAreRejectedByName()
    {
        var body = Body(Access()).Replace("\"id\":\"acc-1\"", "\"id\":\"acc-1\",\"id\":\"acc-2\"", StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0].id");
        Assert.Contains("more than once", errors["events[0].id"][0]);
    }

    [Fact]
    public void DuplicateKeysWrittenWithDifferentEscapesAreStillDuplicates()
    {
        var body = Body(Access()).Replace("\"id\":\"acc-1\"", "\"id\":\"acc-1\",\"\\u0069d\":\"acc-2\"", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].id");
    }

    // RejectUnknown checks raw UTF-8 names without strings only while every name is plain, known and
    // single; each case below leaves that path and must be decided by name exactly as before.

    [Fact]
    public void AKnownFieldWrittenWithAnEscapeIsAccepted()
    {
        var body = Body(Access()).Replace("\"id\":\"acc-1\"", "\"\\u0069d\":\"acc-1\"", StringComparison.Ordinal);

        Assert.Equal("acc-1", Single(Parse(body)).Draft.EventId);
    }

    [Fact]
    public void AnUnknownFieldWithANonAsciiOrLongNameIsRejectedByThatName()
    {
        var longName = new string('x', 200);
        var body = Body(With(With(Access(), "r\u00e9gion", "eu"), longName, 1));

        var errors = AssertRejected(Parse(body), "events[0].r\u00e9gion", $"events[0].{longName}");
        Assert.Contains("not a recognised field", errors[$"events[0].{longName}"][0]);
    }

    [Fact]
    public void AnUnknownFieldAfterKnownOnesIsRejectedAndADuplicateAfterItToo()
    {
        var body = Body(Access()).Replace("\"id\":\"acc-1\"", "\"id\":\"acc-1\",\"idx\":1,\"type\":\"access\"", StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), "events[0].idx", "events[0].type");
        Assert.Contains("more than once", errors["events[0].type"][0]);
    }

    [Fact]
    public void DuplicateKeysInsideTheActorAreRejectedByPath()
    {
        var body = Body(Access()).Replace("\"kind\":\"user\"", "\"kind\":\"user\",\"kind\":\"system\"", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].actor.kind");
    }

    [Fact]
    public void DuplicateKeysInsideAttributesAreRejectedByPath()
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["region"] = "eu", ["tier"] = 1 }))
            .Replace("\"tier\":1", "\"tier\":1,\"region\":\"us\"", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes.region");
    }

    [Theory]
    [InlineData("\"inputTokens\":120", "\"inputTokens\":120,\"inputTokens\":5", "events[0].usage.inputTokens")]
    [InlineData("\"name\":\"support-reply\"", "\"name\":\"support-reply\",\"name\":\"other\"", "events[0].prompt.name")]
    [InlineData("\"role\":\"user\"", "\"role\":\"user\",\"role\":\"system\"", "events[0].input[1].role")]
    [InlineData("\"temperature\":0.7", "\"temperature\":0.7,\"temperature\":0.9", "events[0].parameters.temperature")]
    public void DuplicateKeysInNestedLlmCallObjectsAreRejectedByPath(string original, string duplicated, string key)
    {
        var call = LlmCall();
        call["usage"] = new JsonObject { ["inputTokens"] = 120 };
        call["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 1 };
        call["parameters"] = JsonNode.Parse("{\"temperature\":0.7}");
        var body = Body(call);
        Assert.Contains(original, body);

        AssertRejected(Parse(body.Replace(original, duplicated, StringComparison.Ordinal)), key);
    }

    // ---- numbers -------------------------------------------------------------------------------

    [Theory]
    [InlineData("1e20")]
    [InlineData("100000000000000000000")]
    [InlineData("86400001")]
    [InlineData("-1")]
    public void LatencyOutOfRangeIsRejectedAtLatencyMs(string literal)
    {
        var body = Body(With(LlmCall(), "latencyMs", 1234)).Replace("1234", literal, StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].latencyMs");
    }

    [Fact]
    public void NegativeTokenCountsAreRejectedAtTheirField()
    {
        var call = With(LlmCall(), "usage", new JsonObject { ["inputTokens"] = -1, ["outputTokens"] = 10 });

        var errors = AssertRejected(ParseEvents(call), "events[0].usage.inputTokens");
        Assert.Contains("between", errors["events[0].usage.inputTokens"][0]);
    }

    [Fact]
    public void IntegersBeyondTwoToThe53InAttributesAreRejected()
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["ok"] = 9007199254740991, ["big"] = 1234 }))
            .Replace("1234", "9007199254740993", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes.big");
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e16")]
    [InlineData("1e-400")]
    public void NumbersOutsideTheCanonicalProfileInAttributesAreRejected(string literal)
    {
        var body = Body(With(Access(), "attributes", new JsonObject { ["n"] = 1234 })).Replace("1234", literal, StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].attributes.n");
    }

    [Theory]
    [InlineData("latencyMs", "12.5")]
    [InlineData("latencyMs", "12.0")]
    [InlineData("latencyMs", "1e3")]
    [InlineData("latencyMs", "\"12\"")]
    [InlineData("latencyMs", "true")]
    public void NonIntegersInIntegerFieldsAreRejected(string field, string literal)
    {
        var body = Body(With(LlmCall(), field, 1234)).Replace("1234", literal, StringComparison.Ordinal);

        var errors = AssertRejected(Parse(body), $"events[0].{field}");
        Assert.Contains("integer", errors[$"events[0].{field}"][0]);
    }

    [Fact]
    public void DecimalTokenCountsAndVersionsAreRejected()
    {
        var call = LlmCall();
        call["usage"] = new JsonObject { ["inputTokens"] = 1234, ["outputTokens"] = 5 };
        call["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 4321 };
        var body = Body(call).Replace("1234", "10.5", StringComparison.Ordinal).Replace("4321", "1.5", StringComparison.Ordinal);

        AssertRejected(Parse(body), "events[0].usage.inputTokens", "events[0].prompt.version");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1_000_001)]
    public void PromptVersionsOutOfRangeAreRejected(int version)
    {
        var created = PromptCreated();
        created["prompt"]!["version"] = version;
        created["prompt"]!.AsObject().Remove("parentVersion");

        AssertRejected(ParseEvents(created), "events[0].prompt.version");
    }

    // ---- attributes ----------------------------------------------------------------------------

    [Theory]
    [InlineData("{\"nested\":{\"a\":1}}", "events[0].attributes.nested")]
    [InlineData("{\"nested\":null}", "events[0].attributes.nested")]
    [InlineData("{\"nested\":[1,2]}", "events[0].attributes.nested")]
    [InlineData("{\"ok\":\"x\",\"nested\":{}}", "events[0].attributes.nested")]
    [InlineData("[\"a\"]", "events[0].attributes")]
    [InlineData("\"a=1\"", "events[0].attributes")]
    [InlineData("{\"empty\":\"\"}", "events[0].attributes.empty")]
    public void AttributesMustBeAFlatObjectOfScalars(string attributes, string key)
    {
        AssertRejected(ParseEvents(With(Access(), "attributes", JsonNode.Parse(attributes))), key);
    }

    [Fact]
    public void MoreThanSixtyFourAttributesAreRejected()
    {
        var attributes = new JsonObject();
        for (var i = 0; i < 65; i++) attributes[$"k{i}"] = i;

        AssertRejected(ParseEvents(With(Access(), "attributes", attributes)), "events[0].attributes");
    }

    // ---- vocabularies and unknown fields -------------------------------------------------------

    [Theory]
    [InlineData("llm.cal")]
    [InlineData("LLM.CALL")]
    [InlineData("x-")]
    [InlineData("X-custom")]
    [InlineData("x-Custom")]
    [InlineData("custom")]
    public void UnknownEventTypesAreRejectedAtType(string type)
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "type", type)), "events[0].type");

        Assert.Contains("not a known event type", errors["events[0].type"][0]);
    }

    [Fact]
    public void ATypeThePortalReservesIsRejectedNamingIt()
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "type", "retention.applied")), "events[0].type");

        Assert.Equal("retention.applied is reserved for the portal itself and cannot be sent", errors["events[0].type"][0]);
    }

    [Theory]
    [InlineData("robot")]
    [InlineData("User")]
    [InlineData("")]
    public void UnknownActorKindsAreRejectedAtActorKind(string kind)
    {
        AssertRejected(ParseEvents(With(Access(), "actor", Actor(kind: kind))), "events[0].actor.kind");
    }

    [Fact]
    public void AMisspelledFieldIsRejectedByNameAndTheRealOneIsMissing()
    {
        var access = Access();
        access["ocurredAt"] = access["occurredAt"]!.DeepClone();
        access.Remove("occurredAt");

        var errors = AssertRejected(ParseEvents(access), "events[0].ocurredAt", "events[0].occurredAt");
        Assert.Contains("not a recognised field", errors["events[0].ocurredAt"][0]);
        Assert.Contains("required", errors["events[0].occurredAt"][0]);
    }

    [Fact]
    public void UnknownFieldsInsideTheActorAreRejected()
    {
        var access = Access();
        access["actor"]!["email"] = "alice@example.com";

        AssertRejected(ParseEvents(access), "events[0].actor.email");
    }

    [Theory]
    [InlineData("model")]
    [InlineData("prompt")]
    [InlineData("comment")]
    [InlineData("input")]
    public void FieldsOfAnotherEventTypeAreRejectedOnAccessEvents(string field)
    {
        AssertRejected(ParseEvents(With(Access(), field, "x")), $"events[0].{field}");
    }

    [Fact]
    public void AnLlmCallCannotCarryAComment()
    {
        AssertRejected(ParseEvents(With(LlmCall(), "comment", "x")), "events[0].comment");
    }

    [Fact]
    public void UnknownStatusesAreRejected()
    {
        AssertRejected(ParseEvents(With(LlmCall(), "status", "failed")), "events[0].status");
    }

    [Theory]
    [InlineData("input", 0, "narrator")]
    [InlineData("input", 1, "User")]
    [InlineData("output", 0, "bot")]
    public void MessagesWithAnUnknownRoleAreRejectedAtThatRole(string list, int index, string role)
    {
        var call = LlmCall();
        call[list]![index]!["role"] = role;

        var errors = AssertRejected(ParseEvents(call), $"events[0].{list}[{index}].role");
        Assert.Contains("one of", errors[$"events[0].{list}[{index}].role"][0]);
    }

    [Fact]
    public void UnknownFieldsInMessagesAreRejected()
    {
        var call = LlmCall();
        call["output"]![0]!["tool_calls"] = "[]";

        AssertRejected(ParseEvents(call), "events[0].output[0].tool_calls");
    }

    // ---- required fields -----------------------------------------------------------------------

    [Theory]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("occurredAt")]
    [InlineData("actor")]
    public void MissingRequiredCommonFieldsAreRejectedByName(string field)
    {
        var errors = AssertRejected(ParseEvents(Without(Access(), field)), $"events[0].{field}");

        Assert.Contains("required", errors[$"events[0].{field}"][0]);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("occurredAt")]
    [InlineData("actor")]
    [InlineData("model")]
    [InlineData("provider")]
    [InlineData("status")]
    [InlineData("input")]
    [InlineData("output")]
    public void MissingRequiredLlmCallFieldsAreRejectedByName(string field)
    {
        var errors = AssertRejected(ParseEvents(Without(LlmCall(), field)), $"events[0].{field}");

        Assert.Contains("required", errors[$"events[0].{field}"][0]);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("occurredAt")]
    [InlineData("actor")]
    public void RequiredFieldsThatAreNullAreMissing(string field)
    {
        AssertRejected(ParseEvents(With(Access(), field, null)), $"events[0].{field}");
    }

    [Theory]
    [InlineData("id")]
    [InlineData("kind")]
    public void MissingActorFieldsAreRejectedByPath(string field)
    {
        var access = Access();
        access["actor"]!.AsObject().Remove(field);

        AssertRejected(ParseEvents(access), $"events[0].actor.{field}");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("version")]
    [InlineData("template")]
    public void MissingPromptFieldsOfACreatedVersionAreRejectedByPath(string field)
    {
        var created = PromptCreated();
        created["prompt"]!.AsObject().Remove(field);
        if (field == "version") created["prompt"]!.AsObject().Remove("parentVersion");

        AssertRejected(ParseEvents(created), $"events[0].prompt.{field}");
    }

    [Fact]
    public void APromptDecisionWithoutAPromptIsRejected()
    {
        AssertRejected(ParseEvents(With(Access(), "type", "prompt.version.approved")), "events[0].prompt");
    }

    [Fact]
    public void AnLlmCallWithoutInputMessagesIsRejected()
    {
        AssertRejected(ParseEvents(With(LlmCall(), "input", new JsonArray())), "events[0].input");
    }

    [Fact]
    public void AMessageWithoutContentIsRejected()
    {
        var call = LlmCall();
        call["input"]![1]!.AsObject().Remove("content");

        AssertRejected(ParseEvents(call), "events[0].input[1].content");
    }

    // ---- strings -------------------------------------------------------------------------------

    [Fact]
    public void AnEmptyIdIsRejected()
    {
        AssertRejected(ParseEvents(With(Access(), "id", "")), "events[0].id");
    }

    [Fact]
    public void AnIdLongerThan128CharactersIsRejectedAndOneOf128IsAccepted()
    {
        Single(ParseEvents(With(Access(), "id", new string('a', 128))));
        AssertRejected(ParseEvents(With(Access(), "id", new string('a', 129))), "events[0].id");
    }

    [Fact]
    public void ControlCharactersInSingleLineFieldsAreRejected()
    {
        AssertRejected(ParseEvents(With(Access(), "actor", Actor("alice\nmallory"))), "events[0].actor.id");
    }

    [Fact]
    public void ANumberWhereAStringBelongsIsRejected()
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "id", 42)), "events[0].id");

        Assert.Contains("string", errors["events[0].id"][0]);
    }

    // ---- timestamps ----------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-26T09:30:00")] // no offset
    [InlineData("2026-11-26T09:30:00.123")] // no offset
    [InlineData("2026-11-26 09:30:00Z")] // space instead of T
    [InlineData("2026-11-26")] // date only
    [InlineData("2026-11-26T09:30Z")] // no seconds
    [InlineData("2026-11-26T09:30:00+0100")] // offset without colon
    [InlineData("2026-11-26T09:30:00.Z")] // empty fraction
    [InlineData("26 Nov 2026 09:30:00 GMT")]
    [InlineData("1764149400")]
    public void TimestampsThatAreNotRfc3339WithAnOffsetAreRejected(string occurredAt)
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "occurredAt", occurredAt)), "events[0].occurredAt");

        Assert.Contains("RFC 3339", errors["events[0].occurredAt"][0]);
    }

    [Theory]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("2025-02-29T10:00:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-00-10T10:00:00Z")]
    [InlineData("2026-04-31T10:00:00Z")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("2026-11-26T09:60:00Z")]
    [InlineData("2026-11-26T09:30:61Z")]
    [InlineData("2026-11-26T09:30:00+15:00")]
    public void ImpossibleDatesAndTimesAreRejected(string occurredAt)
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "occurredAt", occurredAt)), "events[0].occurredAt");

        Assert.Contains("not a real date", errors["events[0].occurredAt"][0]);
    }

    [Theory]
    [InlineData("2026-11-27T12:00:00.0000001Z")]
    [InlineData("2026-11-27T13:00:01+01:00")]
    [InlineData("2027-01-01T00:00:00Z")]
    public void TimestampsMoreThanADayInTheFutureAreRejected(string occurredAt)
    {
        var errors = AssertRejected(ParseEvents(With(Access(), "occurredAt", occurredAt)), "events[0].occurredAt");

        Assert.Contains("future", errors["events[0].occurredAt"][0]);
    }

    [Fact]
    public void TimestampsBefore1970AreRejected()
    {
        AssertRejected(ParseEvents(With(Access(), "occurredAt", "1969-12-31T23:59:59Z")), "events[0].occurredAt");
    }

    [Fact]
    public void TheFutureLimitFollowsTheInjectedClock()
    {
        var parser = new EventBatchParser(new FixedTime(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)), new ContentRedactor(RedactionPlan.None));
        var body = Encoding.UTF8.GetBytes(Body(With(Access(), "occurredAt", "2030-01-01T23:00:00Z")));

        Assert.True(parser.Parse(body, Submitter).IsValid);
    }

    // ---- batch-level rules ---------------------------------------------------------------------

    [Fact]
    public void TwoEventsWithTheSameIdInOneBatchAreRejectedAtTheSecond()
    {
        var errors = AssertRejected(ParseEvents(Access("same"), LlmCall("other"), Access("same")), "events[2].id");

        Assert.Contains("events[0]", errors["events[2].id"][0]);
    }

    [Fact]
    public void IdsDifferingOnlyInCaseAreDistinct()
    {
        var result = ParseEvents(Access("abc"), Access("ABC"));

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    public void AParentVersionThatIsNotEarlierIsRejected(int version, int parent)
    {
        var created = PromptCreated();
        created["prompt"]!["version"] = version;
        created["prompt"]!["parentVersion"] = parent;

        AssertRejected(ParseEvents(created), "events[0].prompt.parentVersion");
    }

    [Fact]
    public void OneInvalidEventRejectsTheWholeBatch()
    {
        var result = ParseEvents(Access("a"), LlmCall("b"), PromptCreated("c"), With(Access("d"), "occurredAt", "yesterday"));

        AssertRejected(result, "events[3].occurredAt");
    }

    [Fact]
    public void ErrorsInSeveralEventsAreAllReported()
    {
        var result = ParseEvents(
            Access("a"),
            With(Access("b"), "type", "nope"),
            Access("c"),
            With(With(Access("d"), "occurredAt", "2026-02-30T00:00:00Z"), "actor", Actor(kind: "robot")));

        AssertRejected(result, "events[1].type", "events[3].occurredAt", "events[3].actor.kind");
    }

    [Fact]
    public void ParsingTheSameBodyTwiceGivesTheSameDrafts()
    {
        var body = Body(LlmCall(), PromptCreated());

        var first = Parse(body);
        var second = Parse(body);

        Assert.Equal(first.Events.Select(e => e.Draft.Content), second.Events.Select(e => e.Draft.Content));
        Assert.Equal(
            first.Events.Select(e => Envelope.Render(e.Draft, 1, Now.UtcDateTime, new byte[32])),
            second.Events.Select(e => Envelope.Render(e.Draft, 1, Now.UtcDateTime, new byte[32])));
    }
}
