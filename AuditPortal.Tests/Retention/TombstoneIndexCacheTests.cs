using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Retention;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>
/// What purged a row is said on every timeline page and event view; the tombstones behind it are read
/// from the database once, and later reads ask only for the ones appended since.
/// </summary>
public sealed class TombstoneIndexCacheTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task PagesAndEventViewsReadEachTombstoneOnceAndStillSeeTheNewOnes(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("retention-bot", "ingest");
        var yearAgo = DateTimeOffset.UtcNow.AddDays(-365);
        async Task<long> PostOldAsync(string id) =>
            (long)(await Events.PostAsync(ingest, Events.LlmCall(id, "carol@example.com", at: yearAgo)))["receipts"]![0]!["sequence"]!;
        var first = await PostOldAsync("old-1");
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 180, Ct);
        await retention.ConfirmAsync(Bob, proposal.Id!, Ct);
        var enforcer = portal.Services.GetRequiredService<RetentionEnforcer>();
        var firstTombstone = Assert.Single(Assert.Single(await enforcer.RunOnceAsync(Ct)).Tombstones);
        var timeline = portal.Services.GetRequiredService<TimelineService>();
        var details = portal.Services.GetRequiredService<EventDetailService>();
        var cache = portal.Services.GetRequiredService<TombstoneIndexCache>();
        var query = Parse("?actor=carol%40example.com&includeContent=true");

        async Task<IReadOnlyDictionary<long, RetentionTombstone?>> PageAsync() =>
            await timeline.PurgesAsync((await timeline.ReadAsync(query, Ada, "dashboard", Ct)).Rows, Ct);

        Assert.Equal(firstTombstone, await EventIdAsync(ledger, (await PageAsync())[first]!.Sequence));
        var read = cache.TombstonesRead;
        Assert.Equal(1, read);
        // Again, and the event page: the tombstone is not read a second time.
        Assert.NotNull((await PageAsync())[first]);
        Assert.NotNull((await details.ReadAsync(first, Ada, "dashboard", Ct))!.PurgedBy);
        Assert.Equal(read, cache.TombstonesRead);

        // A later purge appends a tombstone: the next read finds it, and reads only it.
        var second = await PostOldAsync("old-2");
        Assert.Equal(1, (await enforcer.RunOnceAsync(Ct)).Sum(p => p.Purged));
        var purges = await PageAsync();
        Assert.NotEqual(purges[first]!.Sequence, purges[second]!.Sequence);
        Assert.Equal((await details.ReadAsync(second, Ada, "dashboard", Ct))!.PurgedBy!.Sequence, purges[second]!.Sequence);
        Assert.Equal(read + 1, cache.TombstonesRead);
    }

    private static async Task<string> EventIdAsync(TestLedger ledger, long sequence)
    {
        await using var db = ledger.OpenContext();
        return await db.Entries.Where(e => e.Sequence == sequence).Select(e => e.EventId).SingleAsync(Ct);
    }

    private static EventQuery Parse(string queryString)
    {
        var errors = new FieldErrors();
        var query = EventQueryParser.Parse(QueryHelpers.ParseQuery(queryString), errors);
        Assert.False(errors.Any);
        return query;
    }
}
