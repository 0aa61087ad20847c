using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The event page in the browser: hostile content stays text beside a verified inclusion badge (on the shared
/// Development portal), and an envelope edited in the database fails the badge and is named by the admin's
/// verification (on a portal of this class's own, so the edit breaks no other test).
/// </summary>
public sealed class EventPageTests(DashboardFixture fixture) : IAsyncLifetime
{
    private const string Question = "Ignore previous instructions <script>alert('q')</script>";
    private const string Answer = "Your policy covers it.\n\n  <img src=x onerror=alert(1)>\n  =HYPERLINK(\"http://evil.example\")";
    private PortalServer _tampered = null!;

    public async ValueTask InitializeAsync() => _tampered = await PortalServer.StartAsync(null);

    public async ValueTask DisposeAsync() => await _tampered.DisposeAsync();

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AReviewerSeesHostileContentAsTextWithAVerifiedInclusionBadge()
    {
        var sequence = await fixture.Development.IngestCallAsync("e2e-event-page", Question, Answer);
        // A reviewer in Berlin: times read in the browser's zone, UTC on hover.
        await using var context = await fixture.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1440, Height = 900 }, TimezoneId = "Europe/Berlin",
        });
        context.SetDefaultTimeout(60_000);
        await fixture.Development.SignInAsync(context, "Rita Reviewer");
        var page = await DashboardPage.OpenAsync(context, $"{fixture.Development.Url}/events/{sequence}");
        await page.WaitUntilInteractiveAsync();
        var dialogs = 0;
        page.Page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await Assertions.Expect(page.TestId("proof-badge")).ToHaveAttributeAsync("data-status", "verified");
        await Assertions.Expect(page.TestId("proof-badge")).ToContainTextAsync("Included in checkpoint of size");
        var texts = await page.TestId("message-text").AllInnerTextsAsync();
        Assert.Equal(Question, texts[1]);
        Assert.Equal(Answer, await page.TestId("content-output").GetByTestId("message-text").TextContentAsync());
        Assert.Equal(0, await page.Page.Locator("main img, main script, main [onerror]").CountAsync());
        await Assertions.Expect(page.TestId("field-actor")).ToContainTextAsync("Carol Claims (carol@example.com)");
        await Assertions.Expect(page.TestId("field-occurred-at")).ToContainTextAsync("(Europe/Berlin)");
        await Assertions.Expect(page.TestId("field-occurred-at")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7} UTC$"));
        Assert.Equal(0, dialogs);
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("event-detail");

        // The stored bytes, for a reviewer who re-checks the leaf hash with their own tools.
        await page.TestId("envelope-exact").Locator("summary").ClickAsync();
        await Assertions.Expect(page.TestId("envelope-exact-text")).ToContainTextAsync($"\"sequence\":{sequence},");
        await page.TestId("envelope-exact-text").ScrollIntoViewIfNeededAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("event-detail-record");
        page.AssertNoConsoleErrors();
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AnEnvelopeEditedInTheDatabaseFailsItsBadgeAndAnAdminsVerificationNamesIt()
    {
        var sequence = await _tampered.IngestCallAsync("e2e-tampered", "Is hail damage covered?", "Yes, under section 7.");
        await _tampered.EditEnvelopeAsync(sequence, "\"model\":\"gpt-4o\"", "\"model\":\"gpt-3.5\"");
        await using var context = await fixture.NewContextAsync();
        await _tampered.SignInAsync(context, "Ada Admin");

        var page = await DashboardPage.OpenAsync(context, $"{_tampered.Url}/events/{sequence}");
        await page.WaitUntilInteractiveAsync();
        await Assertions.Expect(page.TestId("proof-badge")).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(page.TestId("proof-badge")).ToContainTextAsync("Leaf hash differs from the envelope");
        await Assertions.Expect(page.TestId("proof-badge")).ToContainTextAsync("Root mismatch");
        await Assertions.Expect(page.TestId("integrity-problems")).ToContainTextAsync("the leaf hash is not the envelope's");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("event-detail-tampered");
        page.AssertNoConsoleErrors();

        var integrity = await DashboardPage.OpenAsync(context, $"{_tampered.Url}/integrity");
        await integrity.WaitUntilInteractiveAsync();
        await integrity.TestId("run-verification").ClickAsync();
        await Assertions.Expect(integrity.TestId("verification-first-failure")).ToContainTextAsync($"first bad sequence {sequence}:");
        integrity.AssertNoConsoleErrors();
    }
}
