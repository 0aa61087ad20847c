using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// Issue 6 §3: `verify` beside steady ingestion must read one state of the ledger. Reading entries,
/// seals, tree nodes, checkpoints and anchors at different moments reported a healthy, busy ledger
/// as truncated (more seals than entries) or as holding stray tree nodes.
/// </summary>
public abstract class VerifyUnderLoadTests(LedgerProvider provider)
{
    [Fact]
    public async Task EveryRunDuringIngestionReportsIntact()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger, TimeSpan.FromMilliseconds(100));
        var client = await portal.ClientWithKeyAsync("busy-bot", ApiKeyScopes.Ingest);
        using var stop = new CancellationTokenSource();
        var sent = 0;
        async Task WriteAsync(int writer)
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                await Events.PostAsync(client, [.. Enumerable.Range(0, 20).Select(i => Events.LlmCall($"w{writer}-{batch}-{i}", text: $"load {batch}.{i}"))]);
                Interlocked.Add(ref sent, 20);
            }
        }
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(w))).ToList();
        try
        {
            while (Volatile.Read(ref sent) < 400) await Task.Delay(20, TestContext.Current.CancellationToken);
            for (var run = 0; run < 5; run++)
            {
                var result = await ledger.VerifyAsync();
                Assert.True(result.Intact, $"run {run} at {result.Entries} entries: {result.FirstFailure}");
                Assert.True(result.Entries > 0);
            }
            Assert.False(writers.Any(w => w.IsCompleted), "the writers kept writing throughout");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
    }
}

public sealed class SqliteVerifyUnderLoadTests() : VerifyUnderLoadTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresVerifyUnderLoadTests() : VerifyUnderLoadTests(LedgerProvider.Postgres);
