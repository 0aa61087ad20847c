using System.Buffers;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Envelope.Template writes the ledger's members and merges the event's sorted fields in between,
/// instead of handing every member to CanonicalJson.WriteObject. These pin that the bytes equal
/// WriteObject over the same members (how envelopes were rendered before, and what any reader of
/// the format would write), whichever side of each ledger key the event's fields sort.
/// </summary>
public class EnvelopeTemplateTests
{
    private static readonly DateTime RecordedAt = new DateTime(2026, 11, 26, 9, 30, 1, DateTimeKind.Utc).AddTicks(4_567);
    private static readonly byte[] Commitment = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 37))];

    public static TheoryData<string> FieldSets() =>
    [
        "none",
        "typical",
        // Keys that sort before "actor", between every pair of ledger keys, and after "v", including
        // upper case (before all lower case) and non-ASCII (after it).
        "interleaved",
        "escapes",
    ];

    [Theory]
    [MemberData(nameof(FieldSets))]
    public void TheTemplateRendersWhatWriteObjectWritesForTheSameMembers(string set)
    {
        foreach (var actor in new[] { new ActorRef("alice@example.com", ActorKinds.User, "Alice \"Al\" Liddell\n"), new ActorRef("cust-1", ActorKinds.User) })
        {
            var draft = Draft(Fields(set), actor);
            foreach (var sequence in new long[] { 0, 7, 1_234_567_890 })
            {
                var rendered = Envelope.Render(draft, sequence, RecordedAt, Commitment);

                Assert.Equal(System.Text.Encoding.UTF8.GetString(ByWriteObject(draft, sequence)), System.Text.Encoding.UTF8.GetString(rendered));
            }
        }
    }

    [Fact]
    public void AFieldNamedLikeALedgerMemberIsStillRefused()
    {
        foreach (var name in new[] { "actor", "content", "id", "occurredAt", "recordedAt", "sequence", "submittedBy", "type", "v" })
        {
            var draft = Draft(new Dictionary<string, JsonNode> { [name] = "x" }, new ActorRef("a", ActorKinds.User));

            Assert.Throws<ArgumentException>(() => Envelope.Render(draft, 1, RecordedAt, Commitment));
        }
    }

    private static EventDraft Draft(IReadOnlyDictionary<string, JsonNode> fields, ActorRef actor) => new()
    {
        EventId = "evt-\u00e9-\"1\"",
        Type = "llm.call",
        OccurredAtUtc = new DateTime(2026, 11, 26, 9, 30, 0, 123, DateTimeKind.Utc),
        Actor = actor,
        SubmittedBy = new ActorRef("support-bot", ActorKinds.Service),
        Fields = fields,
        Content = "{}"u8.ToArray(),
    };

    private static Dictionary<string, JsonNode> Fields(string set) => set switch
    {
        "none" => [],
        "typical" => new()
        {
            ["application"] = "support-bot", ["model"] = "gpt-4o", ["provider"] = "openai", ["status"] = "ok", ["latencyMs"] = 812,
            ["usage"] = new JsonObject { ["outputTokens"] = 5, ["inputTokens"] = 12 },
            ["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 3 },
            ["sessionId"] = "s-1", ["traceId"] = "t", ["spanId"] = "sp", ["responseModel"] = "gpt-4o-2024",
            ["redactions"] = new JsonObject { ["email"] = 2 },
        },
        "interleaved" => new()
        {
            ["Zeta"] = "upper case sorts first", ["a"] = 1, ["actos"] = 2, ["actor0"] = 3, ["b"] = 4, ["context"] = 5, ["i"] = 6,
            ["idx"] = 7, ["o"] = 8, ["occurredAu"] = 9, ["p"] = 10, ["recordedAu"] = 11, ["s"] = 12, ["sequencf"] = 13,
            ["submittedByX"] = 14, ["tz"] = 15, ["typf"] = 16, ["u"] = 17, ["v0"] = 18, ["w"] = 19, ["\u00e9t\u00e9"] = 20,
            ["\ud83d\ude00"] = "emoji key", ["attributes"] = new JsonObject { ["tier"] = "gold", ["score"] = "0.25", ["vip"] = true },
        },
        "escapes" => new()
        {
            ["a\"quote"] = "\u0001\u001f\t\"\\", ["back\\slash"] = "line\nbreak", ["ctl\u0002"] = "\u2028", ["z"] = new JsonArray(1, "two", false),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(set)),
    };

    /// <summary>The envelope as every member handed to CanonicalJson.WriteObject, the open values filled in.</summary>
    private static byte[] ByWriteObject(EventDraft draft, long sequence)
    {
        var members = new List<KeyValuePair<string, JsonNode?>>
        {
            new("v", Envelope.Version),
            new("sequence", sequence),
            new("id", draft.EventId),
            new("type", draft.Type),
            new("occurredAt", Timestamps.ToCanonical(draft.OccurredAtUtc)),
            new("recordedAt", Timestamps.ToCanonical(RecordedAt)),
            new("actor", draft.Actor.ToJson()),
            new("submittedBy", draft.SubmittedBy.ToJson()),
            new("content", "sha256:" + Convert.ToHexStringLower(Commitment)),
        };
        members.AddRange(draft.Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value)));
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJson.WriteObject(members, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
