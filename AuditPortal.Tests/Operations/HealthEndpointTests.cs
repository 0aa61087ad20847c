using System.Net;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Tests.Operations;

/// <summary>/health/live and /health/ready as an orchestrator or operator calls them: anonymously.</summary>
public abstract class HealthEndpointTests(LedgerProvider provider)
{
    [Fact]
    public async Task LivenessAnswersAnonymouslyWithoutRunningChecks()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        using var anonymous = portal.CreateClient();

        var response = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string)body["status"]!);
        Assert.Empty(body["checks"]!.AsObject());
    }

    [Fact]
    public async Task ReadinessReportsTheDatabaseMigrationsKeyCheckpointsAndAnchoring()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        var ingest = await portal.ClientWithKeyAsync("health-bot", "ingest");
        await Events.PostAsync(ingest, Events.LlmCall("health-" + Guid.NewGuid().ToString("N")));
        using var anonymous = portal.CreateClient();

        JsonNode body = null!;
        await Eventually.WaitUntilAsync(async () =>
        {
            var response = await anonymous.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
            body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return (long?)body["checks"]?["checkpoints"]?["data"]?["latestCheckpointSize"] >= 2;
        }, "no checkpoint of two entries in /health/ready");

        Assert.Equal("Healthy", (string)body["status"]!);
        var checks = body["checks"]!.AsObject();
        foreach (var name in new[] { "database", "migrations", "signingKey", "checkpoints", "anchoring" })
            Assert.True(checks.ContainsKey(name) && (string)checks[name]!["status"]! == "Healthy", $"{name}: {checks[name]?.ToJsonString()}");
        Assert.Equal(0, (int)checks["migrations"]!["data"]!["pending"]!);
        Assert.Equal(2L, (long)checks["checkpoints"]!["data"]!["treeSize"]!);
        Assert.NotNull(checks["checkpoints"]!["data"]!["latestCheckpointAgeSeconds"]);
    }

    [Fact]
    public async Task EveryRegisteredHealthCheckShowsUpInReadiness()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddHealthChecks().AddCheck("extraProbe", () => HealthCheckResult.Degraded("an extra probe is degraded"))));
        using var anonymous = portal.CreateClient();

        var response = await anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Degraded", (string)body["status"]!);
        Assert.Equal("an extra probe is degraded", (string)body["checks"]!["extraProbe"]!["description"]!);
    }
}

[Collection("sqlite")]
public sealed class SqliteHealthEndpointTests() : HealthEndpointTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresHealthEndpointTests() : HealthEndpointTests(LedgerProvider.Postgres);
