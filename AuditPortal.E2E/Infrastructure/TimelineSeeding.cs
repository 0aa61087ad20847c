using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// Calls for the timeline flow, ingested through the API as a client service would, under an
/// application name of their own, so the flow selects only them on a portal other tests write to.
/// </summary>
public static class TimelineSeeding
{
    /// <returns>The application and the calls' ids, sequences and models, oldest first.</returns>
    public static async Task<SeededTimeline> SeedTimelineCallsAsync(this PortalServer portal)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var application = $"e2e-timeline-{tag}";
        using var client = await portal.IngestClientAsync($"e2e-timeline-{tag}");
        var calls = Enumerable.Range(0, 6).Select(i => (Id: $"{application}-call-{i}", Model: i % 2 == 0 ? "gpt-4o" : "claude-sonnet",
            Actor: i % 3 == 0 ? "carol@example.com" : "dave@example.com")).ToList();
        var events = new JsonArray([.. calls.Select((c, i) => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["type"] = "llm.call",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-30 + i).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = c.Actor, ["kind"] = "user" },
            ["application"] = application,
            ["model"] = c.Model,
            ["provider"] = "openai",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Question {i}" }),
            ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "An answer." }),
            ["status"] = "ok",
        })]);
        var sequences = await client.PostEventsAsync(events);
        return new SeededTimeline(application, [.. calls.Select((c, i) => new SeededCall(c.Id, sequences[i], c.Model, c.Actor))]);
    }
}

public sealed record SeededTimeline(string Application, IReadOnlyList<SeededCall> Calls);

public sealed record SeededCall(string Id, long Sequence, string Model, string Actor);
