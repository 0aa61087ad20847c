using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Concurrency;

/// <summary>kill -9 while clients are sending: every acknowledged event survives, and the ledger still verifies.</summary>
public abstract class DurabilityTests(LedgerProvider provider)
{
    [Fact]
    public async Task EveryAcknowledgedEventSurvivesKillNine()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = PortalProcess.For(ledger);
        var key = await portal.RunCheckedAsync("apikey", "create", "--name", "durable", "--scope", "ingest");

        var address = await portal.StartAsync();
        var acknowledged = new ConcurrentBag<JsonNode>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                try
                {
                    var response = await http.PostAsync("/api/v1/events",
                        Events.Batch([.. Enumerable.Range(0, 10).Select(i => (JsonNode)Events.LlmCall($"k{client}-{batch}-{i}"))]));
                    if (!response.IsSuccessStatusCode) continue;
                    foreach (var receipt in JsonNode.Parse(await response.Content.ReadAsStringAsync())!["receipts"]!.AsArray())
                        acknowledged.Add(receipt!.DeepClone());
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone
                }
            }
        })).ToList();

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (acknowledged.Count < 600)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} events were acknowledged within 2 minutes");
            Assert.False(portal.HasExited, "the portal exited before it was killed");
            await Task.Delay(20);
        }
        await portal.KillAsync(); // SIGKILL: no shutdown hooks, no final checkpoint
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        long stored;
        await using (var db = ledger.OpenContext())
        {
            var rows = await db.Entries.ToDictionaryAsync(e => e.Sequence, e => (e.EventId, Convert.ToHexStringLower(e.LeafHash)), TestContext.Current.CancellationToken);
            foreach (var receipt in acknowledged)
            {
                Assert.True(rows.TryGetValue((long)receipt["sequence"]!, out var row), $"acknowledged {receipt["id"]} is missing");
                Assert.Equal(((string)receipt["id"]!, (string)receipt["leafHash"]!), row);
            }
            stored = rows.Count;
        }
        var afterCrash = await ledger.VerifyAsync();
        Assert.True(afterCrash.Intact, afterCrash.FirstFailure?.ToString());

        // The portal restarts on the crashed database and carries on where the log ends.
        var restartedAddress = await portal.StartAsync();
        using (var http = new HttpClient { BaseAddress = restartedAddress })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var body = await Events.PostAsync(http, Events.LlmCall("after-restart"));
            Assert.Equal(stored, (long)body["receipts"]![0]!["sequence"]!);
        }
        await portal.KillAsync();
        var afterRestart = await ledger.VerifyAsync();
        Assert.True(afterRestart.Intact, afterRestart.FirstFailure?.ToString());
    }
}

[Collection("postgres")]
public sealed class PostgresDurabilityTests() : DurabilityTests(LedgerProvider.Postgres);

public sealed class SqliteDurabilityTests() : DurabilityTests(LedgerProvider.Sqlite);
