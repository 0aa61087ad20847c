using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Demo;
using AuditPortal.Ledger.Writing;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Demo;

/// <summary>The demo history through the real parser and writer: what a new user sees on every page.</summary>
public sealed class SeedDemoTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task TheDefaultDemoTellsEveryStoryThePagesShowAndVerifies(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        var loaded = await portal.Services.GetRequiredService<DemoData>().SeedAsync(SeedDemoOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal(5_000, loaded);
        await using var db = ledger.OpenContext();
        var entries = await db.Entries.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(5_000, entries.Count);
        Assert.Equal(3, entries.Where(e => e.Type == "llm.call").Select(e => e.Application).Distinct().Count());
        Assert.Equal(4, entries.Where(e => e.Model is not null).Select(e => e.Model).Distinct().Count());
        Assert.Equal(12, entries.Where(e => e.ActorKind == "user").Select(e => e.ActorId).Distinct().Count());
        Assert.InRange(entries.Min(e => e.OccurredAt), DateTime.UtcNow.AddDays(-30.01), DateTime.UtcNow.AddDays(-29.9));
        Assert.Contains(entries, e => e.Type == "config.changed");
        var failedCalls = entries.Count(e => System.Text.Encoding.UTF8.GetString(e.Envelope).Contains("\"status\":\"error\"", StringComparison.Ordinal));
        Assert.InRange(failedCalls, 50, 300);

        var versions = await db.PromptVersions.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, versions.Select(v => v.Name).Distinct().Count());
        Assert.All(versions.GroupBy(v => v.Name), prompt => Assert.InRange(prompt.Count(), 3, 6));
        var rejected = Assert.Single(versions, v => v.Status == PromptStatus.Rejected);
        Assert.Equal(("support-reply", 4), (rejected.Name, rejected.Version));
        Assert.All(versions, v => Assert.NotEqual(v.AuthorId, v.DecidedBy));

        // Every call names the version that was published when it was made, never a rejected one.
        var published = entries.Where(e => e.Type == "prompt.version.published").ToDictionary(e => (e.PromptName!, e.PromptVersion!.Value), e => e.OccurredAt);
        var calls = entries.Where(e => e.Type == "llm.call" && e.PromptName is not null).ToList();
        Assert.True(calls.Count > 4_500);
        Assert.All(calls, call => Assert.True(published.TryGetValue((call.PromptName!, call.PromptVersion!.Value), out var at) && at <= call.OccurredAt,
            $"{call.EventId} uses {call.PromptName} v{call.PromptVersion}"));
        Assert.Equal(4, calls.Where(c => c.PromptName == "support-reply").Select(c => c.PromptVersion).Distinct().Count());

        Assert.True((await ledger.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AnyNumberOfEventsOverAnyNumberOfDays()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var loaded = await portal.Services.GetRequiredService<DemoData>().SeedAsync(new SeedDemoOptions(2_345, 3), TestContext.Current.CancellationToken);

        Assert.Equal(2_345, loaded);
        Assert.Equal(2_345, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
        await using var db = ledger.OpenContext();
        var oldest = await db.Entries.MinAsync(e => e.OccurredAt, TestContext.Current.CancellationToken);
        Assert.InRange(oldest, DateTime.UtcNow.AddDays(-3.01), DateTime.UtcNow.AddDays(-2.9));
    }

    [Fact]
    public async Task ASecondDemoIsRefusedBecauseItsPromptHistoriesWereAlreadyTold()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var demo = portal.Services.GetRequiredService<DemoData>();
        await demo.SeedAsync(new SeedDemoOptions(100, 1), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<DemoAlreadyLoadedException>(() => demo.SeedAsync(new SeedDemoOptions(100, 1), TestContext.Current.CancellationToken));
        Assert.Equal(0, await demo.SeedAsync(SeedDemoOptions.Default, TestContext.Current.CancellationToken, onlyIntoEmptyLedger: true));
        Assert.Equal(100, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Theory]
    [InlineData(37, 30, "--events must be between 38")]
    [InlineData(1_000, 0, "--days must be between 1")]
    public void OptionsOutsideTheirRangeAreRefusedWithTheRange(int events, int days, string expected)
    {
        Assert.False(SeedDemoOptions.TryCreate(events, days, out var options, out var error));
        Assert.Null(options);
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public async Task TheVerbLoadsNEventsAndRefusesBadOptionsWithExitTwo()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);

        var (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "seed-demo", "--events", "500", "--days", "2");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Loaded 500 demo events over 2 days", stderr);
        Assert.Equal(500, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE event_id LIKE 'demo-%'"));

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "seed-demo", "--events", "500");
        Assert.Equal(2, exit);
        Assert.Contains("already loaded", stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "seed-demo", "--events", "lots");
        Assert.Equal(2, exit);
        Assert.Contains("--events takes a whole number", stderr);
    }
}
