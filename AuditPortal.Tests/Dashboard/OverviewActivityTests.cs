using AuditPortal.Data.Ledger;
using AuditPortal.Features.Overview;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>The overview's activity: per-day counts from the ledger, kept up to date as events arrive, shown as charts and top lists.</summary>
public sealed class OverviewActivityTests : DashboardTestContext, IAsyncLifetime
{
    private TestLedger _ledger = null!;
    private PortalFactory _portal = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        _portal = new PortalFactory(_ledger);
        _client = await _portal.ClientWithKeyAsync("overview-bot", "ingest");
    }

    public new async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _portal.DisposeAsync();
        await _ledger.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task CountsEachDayOfTheWindowAndCatchesUpWithNewEvents()
    {
        var now = DateTimeOffset.UtcNow;
        await Events.PostAsync(_client,
            Events.LlmCall("a1", actor: "alice@example.com", model: "gpt-4o", application: "support-bot", at: now.AddMinutes(-1)),
            Events.LlmCall("a2", actor: "alice@example.com", model: "claude", application: "support-bot", at: now.AddMinutes(-2)),
            Events.LlmCall("b1", actor: "bob@example.com", model: "gpt-4o", application: "claims-assistant", at: now.AddDays(-3)),
            Events.LlmCall("old", actor: "carol@example.com", model: "gpt-4o", application: "old-app", at: now.AddDays(-45)));
        var statistics = ActivatorUtilities.CreateInstance<ActivityStatistics>(_portal.Services);

        var report = await statistics.ReadAsync(CancellationToken.None);

        Assert.Equal(ActivityStatistics.Days, report.Days.Count);
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime), report.Days[^1]);
        var calls = Assert.Single(report.ByType, s => s.Name == "llm.call");
        Assert.Equal(2, calls.PerDay[^1]);
        Assert.Equal(1, calls.PerDay[^4]);
        Assert.Equal(3, calls.Total); // the 45-day-old call is outside the window
        Assert.Equal(["gpt-4o", "claude"], report.ByModel.Select(s => s.Name));
        Assert.Equal([new ActivityTotal("support-bot", 2), new ActivityTotal("claims-assistant", 1)], report.TopApplications);
        Assert.DoesNotContain(report.TopApplications, t => t.Name == "old-app");
        // The key's creation is a config.changed event by the test admin; it counts as a person's event too.
        Assert.Equal(new ActivityTotal("alice@example.com", 2), report.TopActors[0]);

        // A reviewer's read is an access event: counted by type, never as a top user.
        await _portal.Services.GetRequiredService<AccessRecorder>()
            .RecordAsync(new ActorRef("rita.reviewer@example.com", ActorKinds.User), "events.view", new Dictionary<string, string> { ["sequence"] = "1" }, CancellationToken.None);
        await Events.PostAsync(_client,
            Events.LlmCall("b2", actor: "bob@example.com", model: "gpt-4o", application: "claims-assistant", at: now.AddMinutes(-1)),
            Events.LlmCall("late", actor: "bob@example.com", model: "gpt-4o", application: "claims-assistant", at: now.AddDays(-3)));

        var later = await statistics.ReadAsync(CancellationToken.None);

        var callsLater = Assert.Single(later.ByType, s => s.Name == "llm.call");
        Assert.Equal(3, callsLater.PerDay[^1]);
        Assert.Equal(2, callsLater.PerDay[^4]); // the late event counts on the day it happened
        Assert.Equal(1, Assert.Single(later.ByType, s => s.Name == "access").Total);
        Assert.DoesNotContain(later.TopActors, t => t.Name == "rita.reviewer@example.com");
        Assert.Equal(new ActivityTotal("bob@example.com", 3), later.TopActors[0]);
    }

    [Fact]
    public async Task TheOverviewChartsTheWindowAndLinksTheTopNamesToTheTimelineAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        await Events.PostAsync(_client,
            Events.LlmCall("h1", actor: "alice@example.com", model: "gpt-4o", application: hostile),
            Events.LlmCall("h2", actor: "alice@example.com", model: "claude", application: "support-bot"));
        Services.AddSingleton(_portal.Services.GetRequiredService<LedgerSummary>());
        Services.AddSingleton(ActivatorUtilities.CreateInstance<VerificationRuns>(_portal.Services));
        Services.AddSingleton(ActivatorUtilities.CreateInstance<ActivityStatistics>(_portal.Services));
        SignInAs(PortalRoles.Reviewer);

        var cut = RenderInteractive<OverviewPage>();
        cut.WaitForElement("[data-testid=top-applications]");

        Assert.Equal("Events per day by type", cut.Find("[data-testid=chart-by-type] figcaption").TextContent);
        Assert.NotEmpty(cut.FindAll("[data-testid=chart-by-model] svg"));
        var links = cut.FindAll("[data-testid=top-applications] a");
        Assert.Contains(links, a => a.GetAttribute("href") == "/timeline?application=support-bot");
        var hostileLink = Assert.Single(links, a => a.TextContent == hostile);
        Assert.Equal("/timeline?application=" + Uri.EscapeDataString(hostile), hostileLink.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=top-applications] img"));
    }
}
