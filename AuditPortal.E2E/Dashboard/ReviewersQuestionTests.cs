using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The question the product exists to answer, asked on the demo data exactly as the README walks
/// through it: who changed the support-reply prompt, who approved it, which calls used the new
/// version, and is what the page shows the ledger's signed record? Then an admin sees that the
/// reviewer looked. On a portal of its own that loads the demo on first run, as `dotnet run` does.
/// It runs alone, after the other flows: loading 5,000 demo events through the writer takes both
/// cores for a while, and the other flows' pages would wait on it.
/// </summary>
[Collection(DemoPortalCollection.Name)]
public sealed class ReviewersQuestionTests(DashboardFixture fixture)
{
    private const int DemoEvents = 5_000;

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AReviewerTracesSupportReplyV5FromItsAuthorAndApproverToAVerifiedCallAndTheAdminSeesEveryStep()
    {
        await using var demo = await PortalServer.StartWithDemoAsync(DemoEvents);
        await using var rita = await fixture.NewContextAsync();
        await demo.SignInAsync(rita, "Rita Reviewer");

        // Who changed it and who approved it.
        var page = await DashboardPage.OpenAsync(rita, demo.Url + "/prompts");
        await page.WaitUntilInteractiveAsync();
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "support-reply", Exact = true }).ClickAsync();
        await page.ArrivesAtAsync(demo.Url + "/prompts/support-reply");
        var v5 = page.TestId("version-5");
        await Assertions.Expect(v5.GetByTestId("author")).ToContainTextAsync("Dmitri Petrov (dmitri.petrov@example.com)");
        await Assertions.Expect(v5.GetByTestId("approval")).ToContainTextAsync("Approved by Bob Okafor (bob.okafor@example.com)");
        await Assertions.Expect(v5.GetByTestId("publication")).ToContainTextAsync("bob.okafor@example.com");
        await Assertions.Expect(page.TestId("version-4").GetByTestId("rejection")).ToContainTextAsync("LEG-482");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("demo-support-reply-history");

        // What changed from the last approved version it was written from.
        await page.TestId("compare-from").SelectOptionAsync("3");
        await page.TestId("compare-to").SelectOptionAsync("5");
        await page.TestId("compare").ClickAsync();
        await page.ArrivesAtAsync(demo.Url + "/prompts/support-reply/diff?from=3&to=5");
        await page.WaitUntilInteractiveAsync();
        await Assertions.Expect(page.TestId("new-line").Locator("ins").Filter(new() { HasText = "language" })).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.TestId("old-line").Locator("del").Filter(new() { HasText = "politely" })).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.TestId("side-to").GetByTestId("author")).ToContainTextAsync("Dmitri Petrov (dmitri.petrov@example.com)");
        await page.ScreenshotAsync("demo-support-reply-diff");

        // Which calls used version 5: the history's link is the timeline filtered to it.
        page = await DashboardPage.OpenAsync(rita, demo.Url + "/prompts/support-reply");
        await page.WaitUntilInteractiveAsync();
        await page.TestId("version-5").GetByTestId("calls-link").ClickAsync();
        await page.ArrivesAtAsync(demo.Url + "/timeline?prompt=support-reply&promptVersion=5");
        await page.WaitUntilInteractiveAsync();
        var rows = page.TestId("timeline-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("timeline-status")).ToContainTextAsync("matching");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("demo-support-reply-v5-calls");

        // One of those calls, and the proof that it is the ledger's signed record.
        var sequence = await rows.First.GetAttributeAsync("data-sequence");
        await rows.First.GetByTestId("event-link").ClickAsync();
        await page.ArrivesAtAsync($"{demo.Url}/events/{sequence}");
        await Assertions.Expect(page.TestId("field-prompt")).ToHaveTextAsync("support-reply v5");
        await Assertions.Expect(page.TestId("proof-badge")).ToHaveAttributeAsync("data-status", "verified");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("demo-support-reply-v5-call");
        page.AssertNoConsoleErrors();

        // The admin sees every step the reviewer took, in her name.
        await using var ada = await fixture.NewContextAsync();
        await demo.SignInAsync(ada, "Ada Admin");
        var access = await DashboardPage.OpenAsync(ada, demo.Url + "/access?actor=rita.reviewer@example.com");
        await access.WaitUntilInteractiveAsync();
        var steps = access.TestId("access-row");
        await Assertions.Expect(steps.Filter(new() { HasText = "Opened the history of prompt support-reply" })).ToHaveCountAsync(2);
        await Assertions.Expect(steps.Filter(new() { HasText = "Compared prompt support-reply v3 → v5" })).ToHaveCountAsync(1);
        await Assertions.Expect(steps.Filter(new() { HasText = "Searched the timeline for prompt “support-reply”, version “5”" })).ToHaveCountAsync(1);
        await Assertions.Expect(steps.Filter(new() { HasText = $"Viewed event #{sequence}" })).ToHaveCountAsync(1);
        await access.ScreenshotAsync("demo-access-log");
        access.AssertNoConsoleErrors();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoPortalCollection
{
    public const string Name = "A portal loading the demo data";
}
