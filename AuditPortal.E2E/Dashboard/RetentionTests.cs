using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// Dual control in the browser, on the Development-sign-in portal: Ada proposes a policy, which waits;
/// Ben confirms it; a Reviewer is refused the page. The policy's scope is an application of this test's
/// own, so it governs nothing other tests write to the shared portal.
/// </summary>
public sealed class RetentionTests(DashboardFixture fixture)
{
    [Fact]
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
}
