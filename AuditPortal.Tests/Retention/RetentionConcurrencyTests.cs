using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Retention;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>
/// Enforcement beside everything else: two instances on one database purge each row once, under
/// tombstones that do not overlap; clients keep appending meanwhile; a hold beats an erasure.
/// </summary>
public sealed class RetentionConcurrencyTests
{

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task TwoInstancesEnforcingAtOnceWhileClientsAppendPurgeEachRowOnceAndTheLedgerVerifies(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var first = new PortalFactory(ledger);
        await using var second = new PortalFactory(ledger);
        using var ingest = await first.ClientWithKeyAsync("retention-load-bot", "ingest");
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
