using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// A client service of the portal under test, as the seeding of every flow needs one: an ingest key of
/// its own, and batches posted through the real API.
/// </summary>
public static class IngestClient
{
    public static async Task<HttpClient> IngestClientAsync(this PortalServer portal, string keyName)
    {
        var key = await portal.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(keyName, ApiKeyScopes.Ingest, new ActorRef("e2e-setup", ActorKinds.User), CancellationToken.None);
        var client = new HttpClient { BaseAddress = new Uri(portal.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static Task<IReadOnlyList<long>> PostEventsAsync(this HttpClient client, params JsonNode[] events) =>
        client.PostEventsAsync(new JsonArray(events));

    /// <summary>Posts one batch; a refused batch fails the test with the portal's answer.</summary>
    /// <returns>The receipts' sequences, in the batch's order.</returns>
    public static async Task<IReadOnlyList<long>> PostEventsAsync(this HttpClient client, JsonArray events)
    {
        var response = await client.PostAsync("/api/v1/events",
            new StringContent(new JsonObject { ["events"] = events }.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return [.. JsonNode.Parse(body)!["receipts"]!.AsArray().Select(r => (long)r!["sequence"]!)];
    }
}
