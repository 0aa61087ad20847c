using System.Collections.Concurrent;
using System.Net.Http.Headers;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>A portal instance whose log a test reads: enforcement must leave no writer warning or error behind.</summary>
public static class LoggedPortal
{
    /// <summary>The instance's log lines ("category: level: message", warnings and up, as PortalFactory sets) land in <paramref name="lines"/>.</summary>
    public static WebApplicationFactory<AuditPortalEntryPoint> Of(PortalFactory portal, ConcurrentQueue<string> lines) =>
        portal.WithWebHostBuilder(b => b.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines))));

    public static async Task<HttpClient> IngestClientAsync(WebApplicationFactory<AuditPortalEntryPoint> portal, string name)
    {
        var key = await portal.Services.GetRequiredService<ApiKeyService>().CreateAsync(name, "ingest", Ada, Ct);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>What the writer logged: a warning when a group commit failed, an error when an append did.</summary>
    public static IEnumerable<string> WriterLines(ConcurrentQueue<string> lines) =>
        lines.Where(l => l.StartsWith(typeof(AuditPortal.Ledger.Writing.LedgerWriter).FullName + ":", StringComparison.Ordinal));
}
