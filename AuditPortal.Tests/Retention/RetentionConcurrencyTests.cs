using System.Collections.Concurrent;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Retention;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>
/// Enforcement beside everything else: two instances on one database purge each row once, under
/// tombstones that do not overlap; clients keep appending meanwhile, and a batch another instance
/// purged first is refused alone, never failing the clients' events committed with it; a hold beats an
/// erasure.
/// </summary>
public sealed class RetentionConcurrencyTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task ABatchAnotherInstancePurgedFirstIsRefusedAloneAndTheIngestInItsGroupCommitIsStoredWithoutAnError(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        var log = new ConcurrentQueue<string>();
        await using var first = new PortalFactory(ledger);
        await using var secondPortal = new PortalFactory(ledger);
        await using var second = LoggedPortal.Of(secondPortal, log);
        using var setup = await first.ClientWithKeyAsync("retention-race-bot", "ingest");
        var old = DateTimeOffset.UtcNow.AddDays(-300);
        const int expired = 300;
        await Events.PostAsync(setup, [.. Enumerable.Range(0, expired).Select(i => Events.LlmCall($"old-{i}", $"user{i % 7}@example.com", at: old))]);
        var retention = first.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 180, Ct);
        await retention.ConfirmAsync(Bob, proposal.Id!, Ct);
        using var ingest = await LoggedPortal.IngestClientAsync(second, "retention-race-ingest");
        var writer = second.Services.GetRequiredService<LedgerWriter>();
        var gate = second.Services.GetRequiredService<AppendGate>();

        // The second instance's writer has a first request and waits for its turn; meanwhile that
        // instance's enforcer picks the batch and a client sends calls, which queue behind it: the
        // writer takes all three as one group once it has the turn.
        var turn = await gate.EnterAsync(Ct);
        Task blocker;
        Task<IReadOnlyList<RetentionPurge>> enforcing, winning;
        Task<System.Text.Json.Nodes.JsonObject> ingesting;
        try
        {
            blocker = second.Services.GetRequiredService<AccessRecorder>()
                .RecordAsync(Ada, "events.query", new Dictionary<string, string> { ["via"] = "test" }, Ct);
            await WaitUntilAsync(() => writer.Queued == 1);
            enforcing = second.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct);
            await WaitUntilAsync(() => writer.Queued == 2);
            ingesting = Events.PostAsync(ingest, [.. Enumerable.Range(0, 5).Select(i => Events.LlmCall($"fresh-{i}"))]);
            await WaitUntilAsync(() => writer.Queued == 3);
            // The first instance purges that batch before the second's tombstone and the calls commit together.
            winning = first.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct);
            await winning;
        }
        finally
        {
            turn.Dispose();
        }
        await blocker;
        var winner = await winning;
        var loser = await enforcing;
        var receipts = (await ingesting)["receipts"]!.AsArray();

        Assert.Equal(expired, winner.Sum(p => p.Purged));
        Assert.Equal(0, loser.Sum(p => p.Purged));
        Assert.Equal(5, receipts.Count);
        Assert.All(receipts, r => Assert.False((bool)r!["duplicate"]!));
        await using (var db = ledger.OpenContext())
        {
            Assert.Equal(5, await db.Entries.CountAsync(e => e.EventId.StartsWith("fresh-") && db.Contents.Any(c => c.Sequence == e.Sequence), Ct));
            Assert.False(await db.Entries.AnyAsync(e => e.EventId.StartsWith("old-") && db.Contents.Any(c => c.Sequence == e.Sequence), Ct));
            var tombstone = Assert.Single(await RetentionTombstones.NewestAsync(db, 100, Ct));
            Assert.Equal(expired, tombstone.Count);
        }
        var verified = await ledger.VerifyAsync();
        Assert.True(verified.Intact, verified.FirstFailure?.ToString());
        Assert.Equal(expired, verified.Purged.Values.Sum());
        // Before the retention rule, the refused purge failed the whole group commit: a warning, the
        // calls retried alone, and an error for the tombstone.
        Assert.Empty(LoggedPortal.WriterLines(log));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            if (waited > 30_000) throw new TimeoutException("the writer's queue never reached the expected state");
            await Task.Delay(10, Ct);
        }
    }

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task TwoInstancesEnforcingAtOnceWhileClientsAppendPurgeEachRowOnceAndTheLedgerVerifies(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        var log = new ConcurrentQueue<string>();
        await using var firstPortal = new PortalFactory(ledger);
        await using var secondPortal = new PortalFactory(ledger);
        await using var first = LoggedPortal.Of(firstPortal, log);
        await using var second = LoggedPortal.Of(secondPortal, log);
        using var ingest = await LoggedPortal.IngestClientAsync(first, "retention-load-bot");
        var old = DateTimeOffset.UtcNow.AddDays(-300);
        const int expired = 2_500;
        for (var from = 0; from < expired; from += 500)
            await Events.PostAsync(ingest, [.. Enumerable.Range(from, 500).Select(i => Events.LlmCall($"old-{i}", $"user{i % 7}@example.com", at: old))]);
        var retention = first.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 180, Ct);
        await retention.ConfirmAsync(Bob, proposal.Id!, Ct);

        // Both instances enforce while a client keeps appending fresh calls.
        var appending = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++) await Events.PostAsync(ingest, Events.LlmCall($"fresh-{i}"), Events.LlmCall($"fresh-{i}-b"));
        }, Ct);
        var runs = await Task.WhenAll(
            first.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct),
            second.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct));
        await appending;

        Assert.Equal(expired, runs.Sum(r => r.Sum(p => p.Purged)));
        await using (var db = ledger.OpenContext())
        {
            Assert.False(await db.Entries.AnyAsync(e => e.EventId.StartsWith("old-") && db.Contents.Any(c => c.Sequence == e.Sequence), Ct));
            Assert.Equal(40, await db.Entries.CountAsync(e => e.EventId.StartsWith("fresh-") && db.Contents.Any(c => c.Sequence == e.Sequence), Ct));
            var tombstones = await RetentionTombstones.NewestAsync(db, 100, Ct);
            var purged = tombstones.SelectMany(t => t.Ranges).SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First + 1))).ToList();
            Assert.Equal(purged.Count, purged.Distinct().Count());
            Assert.Equal(expired, purged.Count);
            Assert.All(tombstones, t => Assert.True(t.Count <= RetentionEnforcer.BatchSize));
        }
        var verified = await ledger.VerifyAsync();
        Assert.True(verified.Intact, verified.FirstFailure?.ToString());
        Assert.Equal(expired, verified.Purged.Values.Sum());
        // Where the two met on a batch, the writer refused the loser's tombstone alone: no group failed.
        Assert.Empty(LoggedPortal.WriterLines(log));
    }

    [Fact]
    public async Task AHoldKeepsContentAnErasureRequestWouldPurge()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("retention-bot", "ingest");
        var kept = (long)(await Events.PostAsync(ingest, Events.LlmCall("carol-support", "carol@example.com", application: "support-bot")))["receipts"]![0]!["sequence"]!;
        var erased = (long)(await Events.PostAsync(ingest, Events.LlmCall("carol-sales", "carol@example.com", application: "sales-bot")))["receipts"]![0]!["sequence"]!;
        var retention = portal.Services.GetRequiredService<RetentionService>();
        await retention.PlaceHoldAsync(Ada, new HoldScope(null, "support-bot", null, null, null), "Regulator inquiry", "legal@example.com", Ct);
        var erasure = await retention.ProposeErasureAsync(Bob, "carol@example.com", "GDPR-17", Ct);
        await retention.ConfirmAsync(Ada, erasure.Id!, Ct);

        var purge = Assert.Single(await portal.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct));

        Assert.Equal((1L, 1L), (purge.Purged, purge.Held));
        await using var db = ledger.OpenContext();
        Assert.True(await db.Contents.AnyAsync(c => c.Sequence == kept, Ct));
        Assert.False(await db.Contents.AnyAsync(c => c.Sequence == erased, Ct));
        Assert.True((await ledger.VerifyAsync()).Intact);
    }
}
