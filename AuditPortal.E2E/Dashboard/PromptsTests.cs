using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The reviewer's question in the browser: who changed a prompt, who approved it, and what changed.
/// On the Development-sign-in portal, with a prompt of this test's own.
/// </summary>
public sealed class PromptsTests(DashboardFixture fixture)
{
    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AReviewerFindsAPromptItsReviewsAndTheWordsThatChangedBetweenTwoVersions()
    {
        var name = await fixture.Development.SeedPromptAsync();
        await using var context = await fixture.NewContextAsync();
        await fixture.Development.SignInAsync(context, "Rita Reviewer");

        var list = await DashboardPage.OpenAsync(context, fixture.Development.Url + "/prompts");
        await list.WaitUntilInteractiveAsync();
        var row = list.TestId("prompt-row").Filter(new() { Has = list.Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });
        await Assertions.Expect(row).ToContainTextAsync("tom.writer@example.com");
        Assert.Equal(["3", "v3", "rejected", "tom.writer@example.com", "v2"], (await row.Locator("td").AllInnerTextsAsync()).Skip(1).Select(t => t.Trim()));
        await list.AssertAccessibleAsync();
        await list.ScreenshotAsync("prompts");
        list.AssertNoConsoleErrors();

        await row.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await list.ArrivesAtAsync($"{fixture.Development.Url}/prompts/{name}");
        var history = list;
        var second = history.TestId("version-2");
        await Assertions.Expect(second.GetByTestId("author")).ToHaveTextAsync("priya.author@example.com");
        await Assertions.Expect(second.GetByTestId("approval")).ToContainTextAsync("Approved by sam.approver@example.com");
        await Assertions.Expect(second.GetByTestId("publication")).ToContainTextAsync("by olga.owner@example.com");
        await Assertions.Expect(history.TestId("version-3").GetByTestId("rejection")).ToContainTextAsync("“We must keep the explicit no-payout rule”");
        Assert.Equal($"/timeline?prompt={name}&promptVersion=2", await second.GetByTestId("calls-link").GetAttributeAsync("href"));
        await history.AssertAccessibleAsync();
        await history.ScreenshotAsync("prompt-history");
        history.AssertNoConsoleErrors();

        await history.TestId("compare-from").SelectOptionAsync("1");
        await history.TestId("compare-to").SelectOptionAsync("2");
        await history.TestId("compare").ClickAsync();
        await history.ArrivesAtAsync($"{fixture.Development.Url}/prompts/{name}/diff?from=1&to=2");
        var diff = history;
        await diff.WaitUntilInteractiveAsync();
        var changed = diff.TestId("diff-row").Filter(new() { HasText = "Answer" });
        await Assertions.Expect(changed.GetByTestId("old-line").Locator("del")).ToHaveTextAsync("politely");
        await Assertions.Expect(changed.GetByTestId("new-line").Locator("ins")).ToHaveTextAsync("briefly");
        await Assertions.Expect(diff.TestId("diff-row").Last.GetByTestId("new-line").Locator("ins")).ToHaveTextAsync("Quote the policy section you rely on.");
        await Assertions.Expect(diff.TestId("side-from").GetByTestId("author")).ToHaveTextAsync("priya.author@example.com");
        await Assertions.Expect(diff.TestId("side-to").GetByTestId("approval")).ToContainTextAsync("sam.approver@example.com");
        await diff.AssertAccessibleAsync();
        await diff.ScreenshotAsync("prompt-diff");

        await diff.TestId("view-inline").ClickAsync();
        var inline = diff.TestId("diff-line").Filter(new() { HasText = "Answer" });
        await Assertions.Expect(inline.GetByTestId("line-text")).ToHaveTextAsync("Answer politelybriefly in English.");
        await Assertions.Expect(inline.Locator("del")).ToHaveTextAsync("politely");
        await Assertions.Expect(inline.Locator("ins")).ToHaveTextAsync("briefly");
        await diff.AssertAccessibleAsync();
        await diff.ScreenshotAsync("prompt-diff-inline");
        diff.AssertNoConsoleErrors();
    }
}
