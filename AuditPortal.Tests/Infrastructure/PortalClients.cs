using System.Net.Http.Headers;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.ApiKeys;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Infrastructure;

public static class PortalClients
{
    /// <summary>A client with a new API key, for a portal changed with WithWebHostBuilder (no longer a <see cref="PortalFactory"/>).</summary>
    public static async Task<HttpClient> ClientWithKeyAsync(this WebApplicationFactory<AuditPortalEntryPoint> portal, string name, string scope)
    {
        var key = await portal.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(name, scope, new ActorRef("test-admin", ActorKinds.User), CancellationToken.None);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
