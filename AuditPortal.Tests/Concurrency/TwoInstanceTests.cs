using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Concurrency;

/// <summary>
/// Two portal instances on one database, eight clients writing at once: one gapless order, a
/// receipt for every event, and a ledger that verifies.
/// </summary>
public abstract class TwoInstanceTests(LedgerProvider provider)
{
    private const int Clients = 8;
    private const int EventsPerClient = 500;
    private const int BatchSize = 25;

    [Fact]
    public async Task EightClientsThroughTwoInstancesGetOneGaplessVerifiableOrder()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var first = new PortalFactory(ledger);
        var firstClient = await first.ClientWithKeyAsync("writer", ApiKeyScopes.Ingest);
        await using var second = new PortalFactory(ledger);
        second.CreateClient().Dispose(); // start it
        var key = firstClient.DefaultRequestHeaders.Authorization!;

        var senders = Enumerable.Range(0, Clients).Select(async client =>
        {
            var portal = client % 2 == 0 ? first : second;
            using var http = portal.CreateClient();
            http.DefaultRequestHeaders.Authorization = key;
            var receipts = new List<JsonNode>();
            for (var batch = 0; batch < EventsPerClient / BatchSize; batch++)
            {
                var events = Enumerable.Range(0, BatchSize)
                    .Select(i => (JsonNode)Events.LlmCall($"c{client}-b{batch}-e{i}", actor: $"user-{client}")).ToArray();
                receipts.AddRange((await Events.PostAsync(http, events))["receipts"]!.AsArray().Select(r => r!.DeepClone()));
            }
            return receipts;
        });
        var all = (await Task.WhenAll(senders)).SelectMany(r => r).ToList();

        Assert.Equal(Clients * EventsPerClient, all.Count);
        Assert.Equal(all.Count, all.Select(r => (string)r["id"]!).Distinct().Count());
        Assert.All(all, r => Assert.False((bool)r["duplicate"]!));

        var sequences = all.Select(r => (long)r["sequence"]!).ToHashSet();
        Assert.Equal(all.Count, sequences.Count);
        var count = await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        Assert.Equal(count - 1, await ledger.ScalarAsync("SELECT MAX(sequence) FROM ledger_entries"));
        Assert.Equal(0, await ledger.ScalarAsync("SELECT MIN(sequence) FROM ledger_entries"));
        Assert.Equal(count, await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals"));

        await first.DisposeAsync();
        await second.DisposeAsync();
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
        Assert.Equal(count, result.Entries);
    }
}

[Collection("postgres")]
public sealed class PostgresTwoInstanceTests() : TwoInstanceTests(LedgerProvider.Postgres);

public sealed class SqliteTwoInstanceTests() : TwoInstanceTests(LedgerProvider.Sqlite);
