using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The timeline and the access log in the browser, on the Development-sign-in portal: a reviewer
/// opens a filtered timeline from a link, searches, opens an event; an admin finds both in the
/// access log. Only this flow's own application is looked at: other tests write to the same portal.
/// </summary>
public sealed class TimelineTests(DashboardFixture fixture)
{
    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AReviewersLinkedViewAndSearchShowInTheAccessLog()
    {
        var seeded = await fixture.Development.SeedTimelineCallsAsync();
        var gpt = seeded.Calls.Where(c => c.Model == "gpt-4o").OrderByDescending(c => c.Sequence).ToList();

        await using var rita = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(rita, "Rita Reviewer");
        var page = await DashboardPage.OpenAsync(rita, $"{fixture.Development.Url}/timeline?application={seeded.Application}&model=gpt-4o");
        await page.WaitUntilInteractiveAsync();

        var rows = page.TestId("timeline-row");
        await Assertions.Expect(rows).ToHaveCountAsync(gpt.Count);
        Assert.Equal(gpt.Select(c => c.Sequence.ToString()), await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sequence)"));
        await Assertions.Expect(page.TestId("filter-model").Locator("input").Or(page.Page.Locator("input[data-testid=filter-model]"))).ToHaveValueAsync("gpt-4o");
        await Assertions.Expect(page.TestId("timeline-status")).ToContainTextAsync($"{gpt.Count} shown of {gpt.Count} matching");
        // Times are in the browser's zone, named in the header: the portal's own module asked the browser.
        var zone = await BrowserTestLimits.WithinAsync(
            page.Page.EvaluateAsync<string>("async () => (await import('./Components/ViewerTime.razor.js')).timeZone()"),
            TimeSpan.FromSeconds(60), "the viewer's time zone from ViewerTime.razor.js");
        await Assertions.Expect(page.TestId("timeline").Locator("th").First)
            .ToHaveTextAsync($"Occurred ({(zone is "UTC" or "Etc/UTC" ? "UTC" : zone)})");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("timeline");

        // A text search runs when applied with Enter, and its URL holds it.
        var searched = gpt[1];
        await page.Page.GetByLabel("Text").FillAsync(searched.Id);
        await page.Page.GetByLabel("Text").PressAsync("Enter");
        await page.ArrivesAtAsync(url => url.Contains("&q=" + searched.Id), "the search's URL");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-sequence", searched.Sequence.ToString());
        page.AssertNoConsoleErrors();

        await rows.First.GetByTestId("event-link").ClickAsync();
        await page.ArrivesAtAsync($"{fixture.Development.Url}/events/{searched.Sequence}");

        var empty = await DashboardPage.OpenAsync(rita, $"{fixture.Development.Url}/timeline?application={seeded.Application}&model=no-such-model");
        await empty.WaitUntilInteractiveAsync();
        await Assertions.Expect(empty.TestId("timeline-empty")).ToContainTextAsync("No events match these filters.");
        await empty.AssertAccessibleAsync();
        await empty.ScreenshotAsync("timeline-empty");
        empty.AssertNoConsoleErrors();

        // The access log is for Admins: a Reviewer's link to it ends on the no-access page.
        var refused = await DashboardPage.OpenAsync(rita, $"{fixture.Development.Url}/access?actor=rita.reviewer@example.com");
        Assert.Equal(403, refused.Response!.Status);
        await Assertions.Expect(refused.Page.GetByRole(AriaRole.Heading, new() { Name = "No access" })).ToBeVisibleAsync();
        await Assertions.Expect(refused.TestId("no-access-role")).ToContainTextAsync("with the role Reviewer. This page needs a higher role");

        await using var ada = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(ada, "Ada Admin");
        var access = await DashboardPage.OpenAsync(ada, $"{fixture.Development.Url}/access?actor=rita.reviewer@example.com");
        await access.WaitUntilInteractiveAsync();
        var ritas = access.TestId("access-row").Filter(new() { HasText = seeded.Application });
        await Assertions.Expect(ritas.Filter(new() { HasText = $"text “{searched.Id}”" })).ToHaveCountAsync(1);
        await Assertions.Expect(ritas.Filter(new() { HasText = $"model “gpt-4o”: {gpt.Count} shown of {gpt.Count}" })).ToHaveCountAsync(1);
        await Assertions.Expect(ritas.First.GetByTestId("access-who")).ToHaveTextAsync("rita.reviewer@example.com");
        await access.AssertAccessibleAsync();
        await access.ScreenshotAsync("access-log");
        access.AssertNoConsoleErrors();
    }
}
