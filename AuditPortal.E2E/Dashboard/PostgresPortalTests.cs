using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The reviewer's pages on a portal whose ledger is PostgreSQL (the server scripts/test.sh starts):
/// the filtered timeline from a URL, an event with its verified inclusion badge, and the admin's access log.
/// </summary>
public sealed class PostgresPortalTests(DashboardFixture fixture) : IAsyncLifetime
{
    private const int Calls = 5;
    private PortalServer _portal = null!;

    public async ValueTask InitializeAsync()
    {
        _portal = await PortalServer.StartOnPostgresAsync();
        await _portal.IngestCallsAsync(Calls);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AReviewerFollowsTheTimelineToAVerifiedEventAndTheAdminSeesItInTheAccessLog()
    {
        await using var rita = await fixture.NewContextAsync();
        await _portal.SignInAsync(rita, "Rita Reviewer");
        var timeline = await DashboardPage.OpenAsync(rita, _portal.Url + "/timeline?application=support-bot&model=gpt-4o");
        await timeline.WaitUntilInteractiveAsync();

        var rows = timeline.TestId("timeline-row");
        await Assertions.Expect(rows).ToHaveCountAsync(Calls);
        await timeline.AssertAccessibleAsync();
        await timeline.ScreenshotAsync("timeline-postgres");
        timeline.AssertNoConsoleErrors();

        var sequence = await rows.First.GetAttributeAsync("data-sequence");
        await rows.First.GetByTestId("event-link").ClickAsync();
        await timeline.ArrivesAtAsync($"{_portal.Url}/events/{sequence}");
        await Assertions.Expect(timeline.TestId("proof-badge")).ToHaveAttributeAsync("data-status", "verified");
        await timeline.AssertAccessibleAsync();
        await timeline.ScreenshotAsync("event-postgres");
        timeline.AssertNoConsoleErrors();

        await using var ada = await fixture.NewContextAsync();
        await _portal.SignInAsync(ada, "Ada Admin");
        var access = await DashboardPage.OpenAsync(ada, _portal.Url + "/access?actor=rita.reviewer@example.com");
        await access.WaitUntilInteractiveAsync();
        await Assertions.Expect(access.TestId("access-row").Filter(new() { HasText = $"Viewed event #{sequence}" })).ToHaveCountAsync(1);
        access.AssertNoConsoleErrors();
    }
}
