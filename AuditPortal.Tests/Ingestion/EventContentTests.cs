using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.EventBatches;
using AuditPortal.Redaction;

namespace AuditPortal.Tests.Ingestion;

/// <summary>
/// The parser writes an event's content straight to canonical JSON (<see cref="EventContent"/>). The
/// content bytes are committed and hashed, so they must be exactly what the tree it replaced gave: the
/// same fields built as a <c>JsonObject</c>, redacted by <see cref="ContentRedactor.Redact"/> and
/// written by <see cref="CanonicalJson"/>. Checked over inputs chosen to break a hand-written writer:
/// escapes, control characters, surrogate pairs, keys whose UTF-16 and UTF-8 orders differ, numbers
/// in every form, optional fields present and absent, each content-bearing event type, and redaction
/// off, counting, masking and hashing.
/// </summary>
public sealed class EventContentTests
{
    private static readonly ActorRef Submitter = new("support-bot", ActorKinds.Service);
    private static readonly byte[] HashKey = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<string> Plans => ["none", "keep", "mask", "hash"];

    [Theory]
    [MemberData(nameof(Plans))]
    public void ContentBytesAndRedactionCountsEqualTheTreePath(string plan)
    {
        var redactor = Redactor(plan);
        var parser = new EventBatchParser(TimeProvider.System, redactor);
        var events = Corpus().ToList();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]) }.ToJsonString());

        var result = parser.Parse(body, Submitter);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.Equal(events.Count, result.Events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var tree = ContentTree(events[i]);
            var fired = redactor.Redact(tree);
            var expected = CanonicalJson.Serialize(tree);
            var draft = result.Events[i].Draft;
            Assert.True(expected.AsSpan().SequenceEqual(draft.Content),
                $"event {i}: expected {Encoding.UTF8.GetString(expected)}\n got {Encoding.UTF8.GetString(draft.Content)}");
            var recorded = draft.Fields.TryGetValue("redactions", out var node) ? node.ToJsonString() : null;
            var expectedRedactions = fired.Count > 0 ? new JsonObject([.. fired.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))]).ToJsonString() : null;
            Assert.Equal(expectedRedactions, recorded);
        }
        if (plan != "none") Assert.Contains(result.Events, e => e.Draft.Fields.ContainsKey("redactions"));
    }

    private static ContentRedactor Redactor(string plan) => plan == "none"
        ? new ContentRedactor(RedactionPlan.None)
        : new ContentRedactor(RedactionPlan.From(
            PiiDetectors.Names.ToDictionary(name => name, _ => plan switch { "keep" => "Keep", "mask" => "Mask", _ => "Hash" }),
            () => HashKey));

    /// <summary>The content as the parser built it before: the event's content fields in a tree, numbers as CanonicalNumber gives them.</summary>
    private static JsonObject ContentTree(JsonObject e)
    {
        var content = new JsonObject();
        switch ((string)e["type"]!)
        {
            case "llm.call":
                foreach (var name in new[] { "input", "output" })
                {
                    var messages = new JsonArray();
                    foreach (var m in e[name]!.AsArray())
                    {
                        var message = new JsonObject();
                        foreach (var field in new[] { "role", "content", "name" })
                            if (m![field] is { } value) message[field] = (string)value!;
                        messages.Add(message);
                    }
                    content[name] = messages;
                }
                if (e["parameters"] is JsonObject parameters)
                {
                    var map = new JsonObject();
                    foreach (var (key, value) in parameters)
                    {
                        map[key] = value!.GetValueKind() switch
                        {
                            System.Text.Json.JsonValueKind.String => (string)value!,
                            System.Text.Json.JsonValueKind.Number => CanonicalNumber.FromLiteral(value.ToJsonString(), out _),
                            _ => (bool)value!,
                        };
                    }
                    content["parameters"] = map;
                }
                if (e["error"] is { } error) content["error"] = (string)error!;
                break;
            case "prompt.version.created":
                content["template"] = (string)e["prompt"]!["template"]!;
                if (e["prompt"]!["changeNote"] is { } note) content["changeNote"] = (string)note!;
                break;
            default:
                if (e["comment"] is { } comment) content["comment"] = (string)comment!;
                break;
        }
        return content;
    }

    private static IEnumerable<JsonObject> Corpus()
    {
        string[] texts =
        [
            "plain text",
            "quote \" backslash \\ slash / tab \t newline \n carriage \r",
            "accents é ü ß, CJK 漢字, emoji 😀 and 👩‍💻 (surrogate pairs), private use \uE000, BOM \uFEFF, U+2028 \u2028",
            "mail jane.doe@example.com, call +44 20 7946 0958, card 4111 1111 1111 1111",
            "IBAN DE89 3704 0044 0532 0130 00 and key sk-proj-abcdefghijklmnopqrstuvwxyz012345",
            "token Zx9qT4mW8vK2pL7rN3sB6yH1cF5gJ0dA and date 2026-11-26 12:00",
            "HTML-ish < > & ' and JSON-ish {\"a\":[1]} are literal",
            new string('x', 5000),
        ];
        var i = 0;
        foreach (var text in texts)
        {
            i++;
            yield return new JsonObject
            {
                ["id"] = $"content-{i}",
                ["type"] = "llm.call",
                ["occurredAt"] = "2026-11-26T09:30:00Z",
                ["actor"] = new JsonObject { ["id"] = "user-1", ["kind"] = "user" },
                ["model"] = "gpt-4o",
                ["provider"] = "openai",
                ["status"] = i % 2 == 0 ? "ok" : "error",
                ["input"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = "be brief" },
                    new JsonObject { ["role"] = "user", ["content"] = text, ["name"] = i % 3 == 0 ? "jane@example.com" : "Jane" }),
                ["output"] = i % 4 == 0
                    ? new JsonArray()
                    : new JsonArray(new JsonObject { ["content"] = text + " (answer)", ["role"] = "assistant" }),
                ["parameters"] = i % 2 == 0
                    ? new JsonObject
                    {
                        ["temperature"] = 0.7, ["top_p"] = 1.0, ["max_tokens"] = 1024, ["seed"] = -9007199254740991L,
                        ["tiny"] = JsonNode.Parse("1e-7"), ["small"] = JsonNode.Parse("-1.5E-3"), ["whole"] = JsonNode.Parse("2e3"),
                        ["stream"] = false, ["json"] = true, ["note"] = text.Length > 4096 ? text[..4096] : text,
                        ["Zeta"] = "upper case sorts first", ["a"] = "a", ["\uE000"] = "private use: after U+FFFF's surrogates in UTF-16",
                        ["😀"] = "a surrogate pair sorts before U+E000 in UTF-16, after it in UTF-8", ["é"] = "é",
                    }
                    : new JsonObject { ["reply_to"] = "jane@example.com" },
            };
            if (i % 2 == 1) yield return new JsonObject
            {
                ["id"] = $"error-{i}",
                ["type"] = "llm.call",
                ["occurredAt"] = "2026-11-26T09:30:00Z",
                ["actor"] = new JsonObject { ["id"] = "user-1", ["kind"] = "user" },
                ["model"] = "gpt-4o",
                ["provider"] = "openai",
                ["status"] = "error",
                ["input"] = new JsonArray(new JsonObject { ["role"] = "tool", ["content"] = text }),
                ["output"] = new JsonArray(),
                ["error"] = "failed: " + text,
            };
        }
        yield return new JsonObject
        {
            ["id"] = "prompt-1",
            ["type"] = "prompt.version.created",
            ["occurredAt"] = "2026-11-26T09:30:00Z",
            ["actor"] = new JsonObject { ["id"] = "author@example.com", ["kind"] = "user" },
            ["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 1, ["template"] = texts[2], ["changeNote"] = texts[3] },
        };
        yield return new JsonObject
        {
            ["id"] = "prompt-2",
            ["type"] = "prompt.version.created",
            ["occurredAt"] = "2026-11-26T09:30:00Z",
            ["actor"] = new JsonObject { ["id"] = "author@example.com", ["kind"] = "user" },
            ["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 2, ["parentVersion"] = 1, ["template"] = texts[1] },
        };
        foreach (var type in new[] { "prompt.version.approved", "prompt.version.rejected", "prompt.version.published" })
        {
            yield return new JsonObject
            {
                ["id"] = type,
                ["type"] = type,
                ["occurredAt"] = "2026-11-26T09:30:00Z",
                ["actor"] = new JsonObject { ["id"] = "reviewer@example.com", ["kind"] = "user" },
                ["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 1 },
                ["comment"] = "ok, ask jane@example.com \"why\"\n😀",
            };
        }
        yield return new JsonObject
        {
            ["id"] = "decision-without-comment",
            ["type"] = "prompt.version.approved",
            ["occurredAt"] = "2026-11-26T09:30:00Z",
            ["actor"] = new JsonObject { ["id"] = "reviewer@example.com", ["kind"] = "user" },
            ["prompt"] = new JsonObject { ["name"] = "support-reply", ["version"] = 1 },
        };
        yield return new JsonObject
        {
            ["id"] = "access-1",
            ["type"] = "access",
            ["occurredAt"] = "2026-11-26T09:30:00Z",
            ["actor"] = new JsonObject { ["id"] = "reader@example.com", ["kind"] = "user" },
            ["attributes"] = new JsonObject { ["page"] = "timeline" },
        };
    }
}
