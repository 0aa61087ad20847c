using System.Collections.Concurrent;
using System.Net.Http.Headers;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// The ledger's contexts come from EF Core's own registration, so what EF logs (commands, slow or
/// failed queries, warnings) reaches the host's log providers like every other log line.
/// </summary>
public sealed class DatabaseLoggingTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task EfCoresCommandLogReachesTheHostsLoggers(LedgerProvider provider)
    {
        var lines = new ConcurrentQueue<string>();
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureLogging(logging =>
        {
            logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information);
            logging.AddProvider(new CapturingLoggerProvider(lines));
        }));
        using var client = portal.CreateClient();

        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.True(ready.IsSuccessStatusCode);
        Assert.Contains(lines, l => l.StartsWith("Microsoft.EntityFrameworkCore.Database.Command: Information: Executed DbCommand", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATextSearchLeavesNoWarningInTheLog()
    {
        var lines = new ConcurrentQueue<string>();
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureLogging(logging =>
            logging.AddProvider(new CapturingLoggerProvider(lines))));
        async Task<HttpClient> ClientAsync(string name, string scope)
        {
            var key = await portal.Services.GetRequiredService<ApiKeyService>()
                .CreateAsync(name, scope, new ActorRef("test-admin", ActorKinds.User), CancellationToken.None);
            var client = portal.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }
        await Events.PostAsync(await ClientAsync("search-bot", ApiKeyScopes.Ingest), Events.LlmCall("search-1", text: "is my windscreen covered"));
        var read = await ClientAsync("search-reader", ApiKeyScopes.Read);

        var page = await read.GetAsync("/api/v1/events?q=windscreen", TestContext.Current.CancellationToken);

        Assert.True(page.IsSuccessStatusCode);
        // Every search went through a query EF Core warned about (a row limit without an order), one
        // warning line per search in an operator's log.
        Assert.DoesNotContain(lines, l => l.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && l.Contains(": Warning: ", StringComparison.Ordinal));
    }
}
