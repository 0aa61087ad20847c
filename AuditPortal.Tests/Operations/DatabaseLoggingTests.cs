using System.Collections.Concurrent;
using AuditPortal.Data.Ledger;
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
}
