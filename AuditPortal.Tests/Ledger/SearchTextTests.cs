using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The search text must be derivable from the stored envelope alone, so that verify can check what the
/// text search index holds: the same text from the draft (fields in any order) and from its envelope.
/// </summary>
public sealed class SearchTextTests
{
    private static EventDraft Draft(params (string Key, JsonNode Value)[] fields) => new()
    {
        EventId = "Evt-7",
        Type = "llm.call",
        OccurredAtUtc = new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc),
        Actor = new ActorRef("alice@example.com", ActorKinds.User, "Alice Liddell"),
        SubmittedBy = new ActorRef("support-bot", ActorKinds.Service),
        Fields = fields.ToDictionary(f => f.Key, f => f.Value),
        Content = Encoding.UTF8.GetBytes("{}"),
    };

    private static byte[] Render(EventDraft draft) =>
        Envelope.Render(draft, 12, new DateTime(2026, 11, 26, 9, 30, 1, DateTimeKind.Utc), new byte[32]);

    [Fact]
    public void TheEnvelopeGivesTheSameTextAsTheDraftWhateverOrderTheFieldsCameIn()
    {
        // Fields and nested keys deliberately out of canonical (ordinal) order, as a client may send them.
        var draft = Draft(
            ("model", "GPT-4o"),
            ("attributes", new JsonObject { ["zone"] = "EU-West", ["Region"] = "north", ["tags"] = new JsonArray("b", "A") }),
            ("application", "Claims-Assistant"));

        var fromDraft = Envelope.SearchText(draft);

        Assert.Equal(fromDraft, Envelope.SearchText(Render(draft)));
        Assert.Equal("evt-7\nllm.call\nalice@example.com\nsupport-bot\nalice liddell\nclaims-assistant\nnorth\nb\na\neu-west\ngpt-4o", fromDraft);
    }

    [Fact]
    public void LongTextIsCutAtTheSameLengthFromBoth()
    {
        var draft = Draft(("attributes", new JsonObject { ["note"] = new string('x', Envelope.MaxSearchText) }));

        Assert.Equal(Envelope.MaxSearchText, Envelope.SearchText(draft).Length);
        Assert.Equal(Envelope.SearchText(draft), Envelope.SearchText(Render(draft)));
    }
}
