using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Features.Integrity;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AuditPortal.Tests.Search;

/// <summary>
/// The portal seals a full text search partition only after FTS5's check finds it holds exactly its
/// entries' search text. A partition edited behind the ledger before its seal is refused: sealing
/// stops, and /health/ready says why until an operator runs verify (issue 6 §1, §7).
/// </summary>
public sealed class SearchIndexSealRefusalTests : IAsyncLifetime
{
    private const long PartitionSize = 4;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestLedger _ledger = null!;
    private PortalFactory _portal = null!;
    private SearchIndexService _indexer = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        _portal = new PortalFactory(_ledger);
        var ingest = await _portal.ClientWithKeyAsync("support-bot", "ingest");
        // The test drives the indexer itself, so that nothing is sealed before the index is edited.
        _indexer = _portal.Services.GetServices<IHostedService>().OfType<SearchIndexService>().Single();
        await _indexer.StopAsync(Ct);
        for (var i = 0; i < 9; i++) await Events.PostAsync(ingest, Events.LlmCall($"e{i}"));
        await SmallSearchPartitions.ReindexAsync(_ledger, PartitionSize, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<HealthReportEntry> IntegrityCheckAsync() =>
        (await _portal.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries[IntegrityHealthCheck.Name];

    private Task<long> SealCountAsync() => _ledger.ScalarAsync($"SELECT count(*) FROM {SqliteSearchIndex.SealsTable}");

    [Fact]
    public async Task AnUntouchedLedgerIsSealedAndReadinessStaysHealthy()
    {
        await _indexer.CatchUpAsync(Ct);

        Assert.True(await SealCountAsync() >= 2);
        Assert.Equal(HealthStatus.Healthy, (await IntegrityCheckAsync()).Status);
    }

    [Fact]
    public async Task APartitionEditedBeforeItsSealIsRefusedAndReadinessSaysSo()
    {
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        // Entry 5's search text, which the index of partition 1 was built from, edited behind the ledger.
        await attacker.SetAsync("ledger_entries", "search_text", 5, "someone else entirely");

        await _indexer.CatchUpAsync(Ct);

        Assert.Equal(1, await SealCountAsync());
        Assert.Contains("partition 1", _portal.Services.GetRequiredService<IntegrityAlerts>().SearchIndexRefusal);
        var check = await IntegrityCheckAsync();
        Assert.Equal(HealthStatus.Degraded, check.Status);
        Assert.Contains("partition 1", (string)check.Data["searchIndex"]);
        Assert.Contains("Run verify", check.Description);

        using var anonymous = _portal.CreateClient();
        var ready = System.Text.Json.Nodes.JsonNode.Parse(await anonymous.GetStringAsync("/health/ready", Ct))!;
        Assert.Equal("Degraded", (string)ready["checks"]![IntegrityHealthCheck.Name]!["status"]!);
    }
}
