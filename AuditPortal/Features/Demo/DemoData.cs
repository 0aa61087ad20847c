using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Demo;

/// <summary>
/// A small, believable history: two applications calling three models, a support prompt that went
/// through three versions with approvals (one rejected), and the calls that used each version. It goes
/// through the same parser and writer as real traffic, so the demo can never hold an invalid event.
/// </summary>
public sealed class DemoData(EventBatchParser parser, LedgerWriter writer, IDbContextFactory<LedgerDbContext> factory, TimeProvider time)
{
    private const string Marker = "demo-";

    /// <returns>How many events were appended (0 when already loaded).</returns>
    public async Task<int> SeedAsync(CancellationToken cancellationToken, bool onlyIntoEmptyLedger = false)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (onlyIntoEmptyLedger ? await db.Entries.AnyAsync(cancellationToken)
                                    : await db.Entries.AnyAsync(e => e.EventId.StartsWith(Marker), cancellationToken))
                return 0;
        }

        var appended = 0;
        foreach (var (submitter, events) in Build(time.GetUtcNow()))
        {
            foreach (var chunk in events.Chunk(200))
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["events"] = new JsonArray([.. chunk]) });
                var parsed = parser.Parse(body, new ActorRef(submitter, ActorKinds.Service));
                if (!parsed.IsValid)
                    throw new InvalidOperationException("Demo data is invalid: " + string.Join("; ", parsed.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
                var outcome = await writer.AppendAsync(parsed.Events, cancellationToken);
                if (outcome is not Appended) throw new InvalidOperationException($"Demo data was refused: {outcome}");
                appended += chunk.Length;
            }
        }
        return appended;
    }

    private static IEnumerable<(string Submitter, List<JsonNode> Events)> Build(DateTimeOffset now)
    {
        var start = now.AddDays(-14).Date;
        var random = new Random(20261126);
        var promptEvents = new List<JsonNode>();
        var n = 0;
        string Id() => $"{Marker}{++n:D5}";
        static string At(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        static JsonObject Actor(string id, string kind, string name) => new() { ["id"] = id, ["kind"] = kind, ["displayName"] = name };

        var alice = ("alice@example.com", "Alice Moreau");
        var bob = ("bob@example.com", "Bob Okafor");
        var carol = ("carol@example.com", "Carol Lindqvist");

        JsonObject PromptEvent(string type, DateTimeOffset at, (string Id, string Name) who, JsonObject prompt, string? comment = null)
        {
            var e = new JsonObject
            {
                ["id"] = Id(), ["type"] = type, ["occurredAt"] = At(at), ["actor"] = Actor(who.Id, "user", who.Name),
                ["application"] = "prompt-studio", ["prompt"] = prompt,
            };
            if (comment is not null) e["comment"] = comment;
            return e;
        }
        JsonObject Version(int v) => new() { ["name"] = "support-reply", ["version"] = v };

        var v1 = new DateTimeOffset(start.AddHours(9), TimeSpan.Zero);
        promptEvents.Add(PromptEvent("prompt.version.created", v1, alice, new JsonObject
        {
            ["name"] = "support-reply", ["version"] = 1, ["changeNote"] = "First version for the support assistant.",
            ["template"] = "You are a helpful support agent for Contoso Insurance. Answer the customer's question about {{topic}} politely and briefly. Never promise a claim outcome.",
        }));
        promptEvents.Add(PromptEvent("prompt.version.approved", v1.AddHours(2), bob, Version(1), "Reviewed against the customer-communication policy."));
        promptEvents.Add(PromptEvent("prompt.version.published", v1.AddHours(3), bob, Version(1)));

        var v2 = v1.AddDays(6);
        promptEvents.Add(PromptEvent("prompt.version.created", v2, carol, new JsonObject
        {
            ["name"] = "support-reply", ["version"] = 2, ["parentVersion"] = 1,
            ["changeNote"] = "Adds the escalation path and the disclaimer required by Legal (ticket LEG-482).",
            ["template"] = "You are a helpful support agent for Contoso Insurance. Answer the customer's question about {{topic}} politely and briefly. Never promise a claim outcome. If the customer is upset or mentions a complaint, offer to escalate to a human agent. End with: \"This answer is general information, not a claim decision.\"",
        }));
        promptEvents.Add(PromptEvent("prompt.version.approved", v2.AddHours(1), alice, Version(2), "Disclaimer wording matches LEG-482."));
        promptEvents.Add(PromptEvent("prompt.version.published", v2.AddHours(2), alice, Version(2)));

        var v3 = v2.AddDays(4);
        promptEvents.Add(PromptEvent("prompt.version.created", v3, alice, new JsonObject
        {
            ["name"] = "support-reply", ["version"] = 3, ["parentVersion"] = 2,
            ["changeNote"] = "Shorter answers; drops the disclaimer to save tokens.",
            ["template"] = "You are a support agent for Contoso Insurance. Answer about {{topic}} in at most two sentences.",
        }));
        promptEvents.Add(PromptEvent("prompt.version.rejected", v3.AddHours(5), bob, Version(3), "Removes the disclaimer Legal requires (LEG-482)."));
        yield return ("prompt-studio", promptEvents);

        var topics = new[] { "a windscreen claim", "changing my address", "travel cover in Norway", "a late payment", "adding a driver", "a burst pipe" };
        var users = new[] { "cust-1042", "cust-2210", "cust-3307", "cust-4481", "cust-5120" };
        var models = new[] { ("gpt-4o", "openai", "gpt-4o-2024-08-06"), ("claude-sonnet-4", "anthropic", "claude-sonnet-4-20250514"), ("gpt-4o-mini", "azure.openai", "gpt-4o-mini") };
        var calls = new List<JsonNode>();
        for (var i = 0; i < 160; i++)
        {
            var at = new DateTimeOffset(start, TimeSpan.Zero).AddMinutes(random.Next(0, (int)(now - start).TotalMinutes - 60));
            var version = at >= v2.AddHours(2) ? 2 : at >= v1.AddHours(3) ? 1 : 0;
            if (version == 0) continue;
            var topic = topics[random.Next(topics.Length)];
            var (model, provider, responseModel) = models[random.Next(models.Length)];
            var failed = random.Next(40) == 0;
            var call = new JsonObject
            {
                ["id"] = Id(), ["type"] = "llm.call", ["occurredAt"] = At(at),
                ["actor"] = Actor(users[random.Next(users.Length)], "user", "Customer"),
                ["application"] = "support-bot", ["sessionId"] = $"sess-{random.Next(100000, 999999)}",
                ["traceId"] = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
                ["model"] = model, ["provider"] = provider, ["responseModel"] = responseModel,
                ["prompt"] = Version(version),
                ["input"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = $"support-reply v{version} for {topic}" },
                    new JsonObject { ["role"] = "user", ["content"] = $"Hi, I have a question about {topic}. What do I need to do?" }),
                ["output"] = failed ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = $"Thanks for getting in touch about {topic}. You can start online under My Policy › Requests, or reply here and I will guide you step by step."
                        + (version == 2 ? " This answer is general information, not a claim decision." : ""),
                }),
                ["parameters"] = new JsonObject { ["temperature"] = 0.2, ["maxTokens"] = 400 },
                ["usage"] = new JsonObject { ["inputTokens"] = random.Next(80, 400), ["outputTokens"] = failed ? 0 : random.Next(40, 200) },
                ["latencyMs"] = random.Next(350, 4200),
                ["status"] = failed ? "error" : "ok",
            };
            if (failed) call["error"] = "upstream timeout after 30 s";
            calls.Add(call);
        }
        yield return ("support-bot", [.. calls.OrderBy(c => (string)c!["occurredAt"]!)]);

        var claims = new List<JsonNode>();
        for (var i = 0; i < 40; i++)
        {
            var at = new DateTimeOffset(start, TimeSpan.Zero).AddMinutes(random.Next(0, (int)(now - start).TotalMinutes - 60));
            claims.Add(new JsonObject
            {
                ["id"] = Id(), ["type"] = "llm.call", ["occurredAt"] = At(at),
                ["actor"] = Actor("claims-handler-7", "user", "Dana (claims)"),
                ["application"] = "claims-assistant",
                ["model"] = "gpt-4o", ["provider"] = "openai",
                ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Summarise claim CL-{random.Next(10000, 99999)} for the handover note." }),
                ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Water damage in the kitchen, reported within 24 h, photos attached, estimate pending from the contractor." }),
                ["usage"] = new JsonObject { ["inputTokens"] = random.Next(500, 2000), ["outputTokens"] = random.Next(60, 300) },
                ["latencyMs"] = random.Next(800, 6000),
                ["status"] = "ok",
                ["attributes"] = new JsonObject { ["region"] = "eu-north", ["pii"] = true },
            });
        }
        yield return ("claims-assistant", [.. claims.OrderBy(c => (string)c!["occurredAt"]!)]);

        yield return ("platform-admin", [new JsonObject
        {
            ["id"] = Id(), ["type"] = "config.changed", ["occurredAt"] = At(now.AddDays(-13)),
            ["actor"] = Actor("erin@example.com", "user", "Erin Varga"),
            ["attributes"] = new JsonObject { ["change"] = "model.allowlist", ["added"] = "claude-sonnet-4" },
        }]);
    }
}
