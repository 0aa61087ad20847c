using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// The clipboard belongs to the whole browser, not to a context: two tests that copy at the same
/// time would read each other's text. So one test at a time copies and reads it back, and the read
/// is bounded, because a clipboard promise that never settles would hold the test until its deadline.
/// </summary>
public sealed class BrowserClipboard
{
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Clicks <paramref name="copyButton"/>, waits for the portal to confirm the copy, and returns what the clipboard holds.</summary>
    public async Task<string> CopyAndReadAsync(DashboardPage page, ILocator copyButton, string origin)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            await page.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = origin });
            // Chromium refuses clipboard access to a page that is not the focused one.
            await page.Page.BringToFrontAsync();
            await copyButton.ClickAsync();
            await Assertions.Expect(page.Page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
            return await BrowserTestLimits.WithinAsync(page.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"), ReadLimit,
                $"{page.Page.Url}: navigator.clipboard.readText()");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
