using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// Year-old calls for the retention flow, ingested through the portal's real API under a key, an
/// application and two users of their own: a policy scoped to that application and a hold on one of
/// those users govern nothing other tests write to the shared portal.
/// </summary>
public static class RetentionSeeding
{
    /// <returns>The application, and the calls of the user whose content will be purged and of the one a hold keeps, oldest first.</returns>
    public static async Task<SeededRetention> SeedYearOldCallsAsync(this PortalServer portal)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var application = $"e2e-retention-{tag}";
        var (purged, held) = ($"dora-{tag}@example.com", $"hal-{tag}@example.com");
        using var client = await portal.IngestClientAsync($"{application}-bot");
        var yearAgo = DateTimeOffset.UtcNow.AddDays(-365);
        var calls = Enumerable.Range(0, 4).Select(i => (Actor: i % 2 == 0 ? purged : held, Question: $"Was claim {tag}-{i} paid in full?")).ToList();
        var events = new JsonArray([.. calls.Select((c, i) => (JsonNode)new JsonObject
        {
            ["id"] = $"{application}-call-{i}",
            ["type"] = "llm.call",
            ["occurredAt"] = yearAgo.AddMinutes(i).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = c.Actor, ["kind"] = "user" },
            ["application"] = application,
            ["model"] = "gpt-4o",
            ["provider"] = "openai",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = c.Question }),
            ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Yes, on the day it was approved." }),
            ["status"] = "ok",
        })]);
        var sequences = await client.PostEventsAsync(events);
        var seeded = calls.Select((c, i) => new SeededRetentionCall(sequences[i], c.Actor, c.Question)).ToList();
        return new SeededRetention(application, purged, held, [.. seeded.Where(c => c.Actor == purged)], [.. seeded.Where(c => c.Actor == held)]);
    }
}

/// <param name="PurgedActor">The user whose year-old content a 180-day policy purges.</param>
/// <param name="HeldActor">The user a legal hold keeps.</param>
public sealed record SeededRetention(string Application, string PurgedActor, string HeldActor, IReadOnlyList<SeededRetentionCall> Purged,
    IReadOnlyList<SeededRetentionCall> Held);

public sealed record SeededRetentionCall(long Sequence, string Actor, string Question);
