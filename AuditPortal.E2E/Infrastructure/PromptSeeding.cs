using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// A prompt of the prompt pages' own, sent through the ingestion API as a client service would:
/// three versions by different people, the first two approved and published, the third rejected.
/// Other tests write to the same portal, so the name is unique and tests select only it.
/// </summary>
public static class PromptSeeding
{
    public const string Version1 = "You are a claims assistant for Contoso Insurance.\nAnswer politely in English.\nNever promise a payout.";
    public const string Version2 = "You are a claims assistant for Contoso Insurance.\nAnswer briefly in English.\nNever promise a payout.\nQuote the policy section you rely on.";
    public const string Version3 = "You are a claims assistant for Contoso Insurance.\nAnswer briefly in English.\nQuote the policy section you rely on.";

    /// <returns>The prompt's name.</returns>
    public static async Task<string> SeedPromptAsync(this PortalServer portal)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var name = $"claims-reply-{tag}";
        using var client = await portal.IngestClientAsync($"e2e-prompts-{tag}");
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        JsonObject Event(string type, string actor, int minutes, JsonObject prompt, string? comment = null)
        {
            var e = new JsonObject
            {
                ["id"] = $"{name}-{type}-{prompt["version"]}",
                ["type"] = type,
                ["occurredAt"] = start.AddMinutes(minutes).ToString("O"),
                ["actor"] = new JsonObject { ["id"] = actor, ["kind"] = "user" },
                ["prompt"] = prompt,
            };
            if (comment is not null) e["comment"] = comment;
            return e;
        }
        JsonObject Created(int version, string author, int minutes, string template, string note)
        {
            var prompt = new JsonObject { ["name"] = name, ["version"] = version, ["template"] = template, ["changeNote"] = note };
            if (version > 1) prompt["parentVersion"] = version - 1;
            return Event("prompt.version.created", author, minutes, prompt);
        }
        JsonObject Decided(string what, int version, string actor, int minutes, string? comment = null) =>
            Event($"prompt.version.{what}", actor, minutes, new JsonObject { ["name"] = name, ["version"] = version }, comment);

        JsonNode[] events =
        [
            Created(1, "priya.author@example.com", 0, Version1, "First version for the claims desk"),
            Decided("approved", 1, "sam.approver@example.com", 60, "Reads well"),
            Decided("published", 1, "olga.owner@example.com", 90),
            Created(2, "priya.author@example.com", 1440, Version2, "Shorter answers; cite the policy section"),
            Decided("approved", 2, "sam.approver@example.com", 1500, "Citing the policy helps the customer"),
            Decided("published", 2, "olga.owner@example.com", 1530, "Rolled out to every region"),
            Created(3, "tom.writer@example.com", 2880, Version3, "Drop the payout sentence: the policy quote covers it"),
            Decided("rejected", 3, "sam.approver@example.com", 2940, "We must keep the explicit no-payout rule"),
        ];
        await client.PostEventsAsync(events);
        return name;
    }
}
