using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>Every page: what it shows, axe with no critical or serious violation, no console error, a screenshot.</summary>
public sealed class PagesTests(DashboardFixture fixture)
{
    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task OverviewShowsTheLedgerSizeAndTheLatestCheckpoint()
    {
        await using var context = await fixture.NewContextAsync("rita");
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/");
        await page.WaitUntilInteractiveAsync();

        // The API key's config.changed event, then the calls.
        Assert.Equal((DashboardFixture.IngestedCalls + 1).ToString("N0"), await page.TestId("total-events").InnerTextAsync());
        Assert.EndsWith("entries", await page.TestId("checkpoint-size").InnerTextAsync());
        await Assertions.Expect(page.TestId("chart-by-model")).ToContainTextAsync("gpt-4o");
        await Assertions.Expect(page.TestId("top-applications").GetByRole(AriaRole.Link, new() { Name = "support-bot" }))
            .ToHaveAttributeAsync("href", "/timeline?application=support-bot");
        await AssertCleanAsync(page, "overview");
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task IntegrityShowsCheckpointsAnchorsAndTheVerifierKey()
    {
        await using var context = await fixture.NewContextAsync("rita");
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/integrity");
        await page.WaitUntilInteractiveAsync();

        var key = await page.TestId("verifier-key").InnerTextAsync();
        Assert.StartsWith("test.example/auditportal+", key);
        Assert.Matches("^[0-9a-f]{64}$", await page.TestId("checkpoints").Locator("tbody tr td.hash").First.InnerTextAsync());
        Assert.Contains("anchored outside the database", await page.TestId("anchors").InnerTextAsync());
        await AssertCleanAsync(page, "integrity-reviewer");

        Assert.Equal(key, await fixture.Clipboard.CopyAndReadAsync(page, page.TestId("copy-verifier-key"), fixture.Oidc.Url));
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AnAdminRunsVerificationAndSeesTheResult()
    {
        await using var context = await fixture.NewContextAsync("ada");
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/integrity");
        await page.WaitUntilInteractiveAsync();

        await page.TestId("run-verification").ClickAsync();
        await Assertions.Expect(page.TestId("verification-result")).ToContainTextAsync("Intact");
        await AssertCleanAsync(page, "integrity-admin-verified");
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task TheSignInNoAccessAndSignedOutPagesAreCleanToo()
    {
        await using (var anonymous = await fixture.NewContextAsync())
        {
            var signIn = await DashboardPage.OpenAsync(anonymous, fixture.Development.Url + "/account/signin");
            await AssertCleanAsync(signIn, "signin-development");
            var signedOut = await DashboardPage.OpenAsync(anonymous, fixture.Oidc.Url + "/account/signed-out");
            await AssertCleanAsync(signedOut, "signed-out");
        }
        await using var nora = await fixture.NewContextAsync("nora");
        var noAccess = await DashboardPage.OpenAsync(nora, fixture.Oidc.Url + "/");
        Assert.Equal(403, noAccess.Response!.Status);
        await noAccess.AssertAccessibleAsync();
        await noAccess.ScreenshotAsync("no-access");
    }

    private static async Task AssertCleanAsync(DashboardPage page, string screenshot)
    {
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync(screenshot);
        page.AssertNoConsoleErrors();
    }
}
