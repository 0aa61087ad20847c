using System.Net.Http.Headers;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.ApiKeys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>The real portal, in-process, on a <see cref="TestLedger"/>. Two factories on one ledger are two instances.</summary>
public sealed class PortalFactory(TestLedger ledger, TimeSpan? checkpointInterval = null) : WebApplicationFactory<AuditPortalEntryPoint>
{
    public TestLedger Ledger => ledger;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AuditPortal:Database:Provider", ledger.Provider.ToString());
        builder.UseSetting("AuditPortal:Database:ConnectionString", ledger.ConnectionString);
        builder.UseSetting("AuditPortal:Signing:KeyFile", ledger.KeyFile);
        builder.UseSetting("AuditPortal:Signing:Origin", ledger.Origin);
        builder.UseSetting("AuditPortal:Anchors:Directory", ledger.AnchorDirectory);
        builder.UseSetting("AuditPortal:Evidence:Directory", Path.Combine(ledger.Folder, "evidence"));
        builder.UseSetting("AuditPortal:Checkpoints:Interval", (checkpointInterval ?? TimeSpan.FromMilliseconds(300)).ToString());
        builder.UseSetting("AuditPortal:Demo:LoadOnFirstRun", "false");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public async Task<HttpClient> ClientWithKeyAsync(string name, string scope)
    {
        var key = await Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(name, scope, new ActorRef("test-admin", ActorKinds.User), CancellationToken.None);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
