using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// Dual control in the browser, on the Development-sign-in portal: Ada proposes a policy, which waits;
/// Ben confirms it; a Reviewer is refused the page. Then the issue's whole flow: a 180-day policy over
/// year-old calls, a hold on one user, enforcement, and what the timeline, the event page and the
/// integrity page say afterwards. Each policy's scope (and the hold) is an application of the test's
/// own, so it governs nothing other tests write to the shared portal.
/// </summary>
public sealed class RetentionTests(DashboardFixture fixture)
{
    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AdasProposalTakesEffectWhenBenConfirmsItAndAReviewerCannotOpenThePage()
    {
        var application = "retention-e2e-" + Guid.NewGuid().ToString("N")[..8];
        await using var ada = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(ada, "Ada Admin");
        var page = await DashboardPage.OpenAsync(ada, fixture.Development.Url + "/retention");
        await page.WaitUntilInteractiveAsync();
        await page.Page.Locator("input[data-testid=policy-application]").FillAsync(application);
        await page.Page.Locator("input[data-testid=policy-days-input]").FillAsync("90");
        await Assertions.Expect(page.TestId("floor-warning")).ToContainTextAsync("legal floor of 180 days");
        await Assertions.Expect(page.TestId("propose-policy")).ToBeDisabledAsync();
        await page.Page.Locator("input[data-testid=policy-days-input]").FillAsync("180");
        await page.TestId("propose-policy").ClickAsync();
        var mine = page.TestId("pending-row").Filter(new() { HasText = application });
        await Assertions.Expect(mine.GetByTestId("pending-what")).ToHaveTextAsync($"New policy for application {application}: keep content 180 days");
        await Assertions.Expect(mine.GetByTestId("own-proposal")).ToBeVisibleAsync();
        await Assertions.Expect(mine.GetByTestId("confirm")).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("retention-proposed");
        page.AssertNoConsoleErrors();

        await using var ben = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(ben, "Ben Admin");
        var bens = await DashboardPage.OpenAsync(ben, fixture.Development.Url + "/retention");
        await bens.WaitUntilInteractiveAsync();
        await bens.TestId("pending-row").Filter(new() { HasText = application }).GetByTestId("confirm").ClickAsync();
        var policy = bens.TestId("policy-row").Filter(new() { HasText = application });
        await Assertions.Expect(policy.GetByTestId("policy-days")).ToHaveTextAsync("180 days");
        await Assertions.Expect(policy).ToContainTextAsync("ada.admin@example.com");
        await Assertions.Expect(policy).ToContainTextAsync("ben.admin@example.com");
        await Assertions.Expect(bens.TestId("retention-message")).ToContainTextAsync("Confirmed: the change is in force.");
        await bens.AssertAccessibleAsync();
        await bens.ScreenshotAsync("retention-confirmed");
        bens.AssertNoConsoleErrors();

        await using var rita = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(rita, "Rita Reviewer");
        var refused = await DashboardPage.OpenAsync(rita, fixture.Development.Url + "/retention");
        Assert.Equal(403, refused.Response!.Status);
        await Assertions.Expect(refused.Page.GetByRole(AriaRole.Link, new() { Name = "Retention" })).ToHaveCountAsync(0);
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AYearOldApplicationsContentIsPurgedUnderAConfirmedPolicyExceptWhatAHoldKeepsAndTheLedgerStillVerifies()
    {
        var seeded = await fixture.Development.SeedYearOldCallsAsync();
        await using var ada = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(ada, "Ada Admin");
        var retention = await DashboardPage.OpenAsync(ada, fixture.Development.Url + "/retention");
        await retention.WaitUntilInteractiveAsync();

        // The hold first: it is in force at once.
        await retention.Page.Locator("input[data-testid=hold-actor]").FillAsync(seeded.HeldActor);
        await retention.Page.Locator("input[data-testid=hold-application]").FillAsync(seeded.Application);
        await retention.Page.Locator("input[data-testid=hold-reason]").FillAsync("Complaint 2026-117 (e2e)");
        await retention.Page.Locator("input[data-testid=hold-owner]").FillAsync("legal@example.com");
        await retention.TestId("place-hold").ClickAsync();
        await Assertions.Expect(retention.TestId("hold-row").Filter(new() { HasText = seeded.HeldActor }).GetByTestId("hold-status")).ToHaveTextAsync("active");

        // Ada proposes a 180-day policy for the application; Ben confirms it.
        await retention.Page.Locator("input[data-testid=policy-application]").FillAsync(seeded.Application);
        await retention.Page.Locator("input[data-testid=policy-days-input]").FillAsync("180");
        await retention.TestId("propose-policy").ClickAsync();
        await Assertions.Expect(retention.TestId("pending-row").Filter(new() { HasText = seeded.Application })).ToBeVisibleAsync();
        await using var ben = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(ben, "Ben Admin");
        var bens = await DashboardPage.OpenAsync(ben, fixture.Development.Url + "/retention");
        await bens.WaitUntilInteractiveAsync();
        await bens.TestId("pending-row").Filter(new() { HasText = seeded.Application }).GetByTestId("confirm").ClickAsync();
        await Assertions.Expect(bens.TestId("policy-row").Filter(new() { HasText = seeded.Application }).GetByTestId("policy-days")).ToHaveTextAsync("180 days");
        bens.AssertNoConsoleErrors();

        // Ada runs enforcement now; the history names the policy's run.
        await retention.Page.ReloadAsync();
        await retention.WaitUntilInteractiveAsync();
        var policyId = await retention.TestId("policy-row").Filter(new() { HasText = seeded.Application }).GetAttributeAsync("data-policy");
        await retention.TestId("run-enforcement").ClickAsync();
        await Assertions.Expect(retention.TestId("enforcement-result")).ToContainTextAsync($"policy {policyId}: {seeded.Purged.Count} purged, {seeded.Held.Count} kept by holds");
        var run = retention.TestId("history-row").Filter(new() { HasText = $"policy {policyId}" });
        await Assertions.Expect(run.GetByTestId("history-count")).ToHaveTextAsync($"{seeded.Purged.Count}");
        await Assertions.Expect(run.GetByTestId("history-version")).ToContainTextAsync("in force since #");
        // The screenshot shows the run's result and the history under it.
        await retention.TestId("run-enforcement").EvaluateAsync("e => e.scrollIntoView({ block: 'start' })");
        await retention.AssertAccessibleAsync();
        await retention.ScreenshotAsync("retention-enforced");
        retention.AssertNoConsoleErrors();

        // The timeline of the application marks the purged calls, and not the held ones.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var timeline = await DashboardPage.OpenAsync(ada, $"{fixture.Development.Url}/timeline?application={seeded.Application}");
        await timeline.WaitUntilInteractiveAsync();
        await Assertions.Expect(timeline.TestId("timeline-row")).ToHaveCountAsync(seeded.Purged.Count + seeded.Held.Count);
        foreach (var call in seeded.Purged)
        {
            var row = timeline.Page.Locator($"[data-testid=timeline-row][data-sequence='{call.Sequence}']");
            await Assertions.Expect(row.GetByTestId("content-purged")).ToHaveTextAsync("content purged");
            await Assertions.Expect(row.GetByTestId("purged-by")).ToHaveTextAsync(
                new System.Text.RegularExpressions.Regex($@"^purged under retention policy {policyId} \(180 days\) on {today} \(tombstone \d+\)$"));
        }
        foreach (var call in seeded.Held)
            await Assertions.Expect(timeline.Page.Locator($"[data-testid=timeline-row][data-sequence='{call.Sequence}']").GetByTestId("content-purged")).ToHaveCountAsync(0);
        await timeline.AssertAccessibleAsync();
        await timeline.ScreenshotAsync("retention-timeline-purged");
        timeline.AssertNoConsoleErrors();

        // The event page of a purged call says under what; the held user's call still shows its content.
        var purged = await DashboardPage.OpenAsync(ada, $"{fixture.Development.Url}/events/{seeded.Purged[0].Sequence}");
        await purged.WaitUntilInteractiveAsync();
        await Assertions.Expect(purged.TestId("content-purged")).ToContainTextAsync($"Content purged under retention policy {policyId} (180 days) on {today} (UTC).");
        Assert.DoesNotContain(seeded.Purged[0].Question, await purged.Page.Locator("main").InnerTextAsync());
        await purged.AssertAccessibleAsync();
        await purged.ScreenshotAsync("retention-event-purged");
        purged.AssertNoConsoleErrors();
        var held = await DashboardPage.OpenAsync(ada, $"{fixture.Development.Url}/events/{seeded.Held[0].Sequence}");
        await held.WaitUntilInteractiveAsync();
        await Assertions.Expect(held.TestId("message-text").First).ToHaveTextAsync(seeded.Held[0].Question);
        await Assertions.Expect(held.TestId("content-purged")).ToHaveCountAsync(0);
        await held.AssertAccessibleAsync();
        await held.ScreenshotAsync("retention-event-held");
        held.AssertNoConsoleErrors();

        // The ledger still verifies: every purge is covered by its tombstone.
        var integrity = await DashboardPage.OpenAsync(ada, $"{fixture.Development.Url}/integrity");
        await integrity.WaitUntilInteractiveAsync();
        await integrity.TestId("run-verification").ClickAsync();
        await Assertions.Expect(integrity.TestId("verification-result")).ToContainTextAsync("Intact");
        // and it says what was purged under which policy (other tests' purges may be counted beside ours).
        await Assertions.Expect(integrity.TestId("verification-purged")).ToContainTextAsync("purged under retention");
        await Assertions.Expect(integrity.TestId("verification-purged")).ToContainTextAsync("policy");
        await integrity.AssertAccessibleAsync();
        await integrity.ScreenshotAsync("retention-integrity-intact");
        integrity.AssertNoConsoleErrors();
    }
}
