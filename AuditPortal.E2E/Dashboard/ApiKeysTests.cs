using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The API keys page in the browser. On the Development-sign-in portal: its keys change the ledger,
/// and the provider portal's overview counts that ledger's events exactly.
/// </summary>
public sealed class ApiKeysTests(DashboardFixture fixture)
{
    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AnAdminCreatesAKeyCopiesItUsesItAndRevokesIt()
    {
        await using var context = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(context, "Ada Admin");
        var page = await DashboardPage.OpenAsync(context, fixture.Development.Url + "/admin/api-keys");
        await page.WaitUntilInteractiveAsync();

        await page.Page.GetByLabel("Name").FillAsync("e2e-auditor");
        await page.Page.GetByText("read: query events and proofs").ClickAsync();
        await page.TestId("create-key").ClickAsync();
        var key = await page.TestId("new-key").InnerTextAsync();
        await Assertions.Expect(page.TestId("new-key-panel")).ToContainTextAsync("it will not be shown again");
        await Assertions.Expect(page.TestId("key-row-e2e-auditor")).ToContainTextAsync("ada.admin@example.com");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("api-keys-created");

        var copied = await fixture.Clipboard.CopyAndReadAsync(page, page.TestId("copy-new-key"), fixture.Development.Url);
        Assert.Equal(key, copied);
        Assert.Equal(200, await ReadEventsStatusAsync(context, copied));
        await page.WaitForSnackbarsToCloseAsync();

        await page.TestId("key-row-e2e-auditor").GetByTestId("revoke-key").ClickAsync();
        var dialog = page.Page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Revoke the key e2e-auditor?");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("api-keys-revoke-confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Assertions.Expect(page.TestId("key-row-e2e-auditor").GetByTestId("revoked-by")).ToHaveTextAsync("ada.admin@example.com");
        Assert.Equal(401, await ReadEventsStatusAsync(context, copied));
        page.AssertNoConsoleErrors();
    }

    private async Task<int> ReadEventsStatusAsync(IBrowserContext context, string key) =>
        (await context.APIRequest.GetAsync(fixture.Development.Url + "/api/v1/events?limit=1",
            new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key } })).Status;
}
