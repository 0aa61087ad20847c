using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// The real portal on Kestrel at 127.0.0.1 (a free port), on a SQLite ledger of its own, signing
/// people in either through <see cref="IdentityProvider"/> or with Development sign-in.
/// </summary>
public sealed class PortalServer : WebApplicationFactory<AuditPortalEntryPoint>
{
    private readonly TestLedger _ledger;
    private readonly IdentityProvider? _idp;
    private readonly bool _demo;

    private PortalServer(TestLedger ledger, IdentityProvider? idp, bool demo = false)
    {
        _ledger = ledger;
        _idp = idp;
        _demo = demo;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string Url { get; private set; } = "";
    public string DatabaseFile => Path.Combine(_ledger.Folder, "ledger.db");

    /// <summary>A Development-sign-in portal on a fresh database of the PostgreSQL server scripts/test.sh started.</summary>
    public static async Task<PortalServer> StartOnPostgresAsync() =>
        await StartAsync(new PortalServer(await TestLedger.CreateAsync(LedgerProvider.Postgres), null));

    public static async Task<PortalServer> StartAsync(IdentityProvider? idp) =>
        await StartAsync(new PortalServer(await TestLedger.CreateAsync(LedgerProvider.Sqlite), idp));

    /// <summary>
    /// A Development-sign-in portal as `dotnet run --project AuditPortal` starts it: the demo data set
    /// loads into the empty ledger on first run. Returns once a checkpoint covers all of it.
    /// </summary>
    public static async Task<PortalServer> StartWithDemoAsync(int demoEvents)
    {
        var portal = await StartAsync(new PortalServer(await TestLedger.CreateAsync(LedgerProvider.Sqlite), null, demo: true));
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            await using var db = portal.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContext();
            if (await db.Checkpoints.AnyAsync(c => c.TreeSize >= demoEvents)) return portal;
            await Task.Delay(100);
        }
        await portal.DisposeAsync();
        throw new TimeoutException($"the demo data ({demoEvents} events) did not load within two minutes");
    }

    private static async Task<PortalServer> StartAsync(PortalServer portal)
    {
        var idp = portal._idp;
        portal.StartServer();
        portal.Url = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        if (idp is not null) await idp.RegisterPortalAsync(portal.Url);
        return portal;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AuditPortal:Database:Provider", _ledger.Provider.ToString());
        builder.UseSetting("AuditPortal:Database:ConnectionString", _ledger.ConnectionString);
        builder.UseSetting("AuditPortal:Signing:KeyFile", _ledger.KeyFile);
        builder.UseSetting("AuditPortal:Signing:Origin", _ledger.Origin);
        builder.UseSetting("AuditPortal:Anchors:Directory", _ledger.AnchorDirectory);
        builder.UseSetting("AuditPortal:Evidence:Directory", Path.Combine(_ledger.Folder, "evidence"));
        builder.UseSetting("AuditPortal:Checkpoints:Interval", "00:00:00.2");
        builder.UseSetting("AuditPortal:Demo:LoadOnFirstRun", _demo ? "true" : "false");
        if (_idp is null)
        {
            builder.UseSetting("AuditPortal:Authentication:Mode", "Development");
        }
        else
        {
            builder.UseSetting("AuditPortal:Authentication:Mode", "OpenIdConnect");
            builder.UseSetting("AuditPortal:Authentication:OpenIdConnect:Authority", _idp.Url);
            builder.UseSetting("AuditPortal:Authentication:OpenIdConnect:ClientId", IdentityProvider.ClientId);
            builder.UseSetting("AuditPortal:Authentication:OpenIdConnect:ClientSecret", IdentityProvider.ClientSecret);
            builder.UseSetting("AuditPortal:Authentication:OpenIdConnect:RequireHttpsMetadata", "false");
            builder.UseSetting("AuditPortal:Authentication:OpenIdConnect:RoleClaim", IdentityProvider.RoleClaim);
            foreach (var (value, role) in IdentityProvider.RoleMap)
                builder.UseSetting($"AuditPortal:Authentication:OpenIdConnect:RoleMap:{value}", role);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Ingests a few calls through the API, as a client service would, and waits for their checkpoint.</summary>
    public async Task IngestCallsAsync(int count)
    {
        using var client = await this.IngestClientAsync("e2e-bot");
        var events = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = $"e2e-call-{i}",
            ["type"] = "llm.call",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-i).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = "alice@example.com", ["kind"] = "user" },
            ["application"] = "support-bot",
            ["model"] = "gpt-4o",
            ["provider"] = "openai",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Question {i}" }),
            ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "An answer." }),
            ["status"] = "ok",
        })]);
        await client.PostEventsAsync(events);

        // The key's config.changed event plus the calls, in a signed checkpoint.
        await Eventually.WaitUntilAsync(async () =>
        {
            await using var db = Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContext();
            return await db.Checkpoints.AnyAsync(c => c.TreeSize >= count + 1);
        }, "no checkpoint covered the ingested calls");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _ledger.DisposeAsync();
    }
}
