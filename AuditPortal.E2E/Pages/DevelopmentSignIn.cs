using AuditPortal.E2E.Infrastructure;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Pages;

/// <summary>The Development sign-in page: one button per demo person.</summary>
public static class DevelopmentSignIn
{
    /// <summary>
    /// Signs <paramref name="person"/> (a display name, e.g. "Rita Reviewer") in on a page of its own,
    /// so the page a test then opens starts with a clean console.
    /// </summary>
    /// <remarks>
    /// The sign-in page is left open for the context to close. Chromium acknowledges a page close that
    /// races a navigation commit and then drops it, and Playwright's <c>page.close()</c>, which has no
    /// timeout, waits for it forever (crbug.com/536385539, microsoft/playwright#42366). Closed right
    /// after the redirect to "/", 9 of 40 sign-ins hung here, and two CI runs lost a test to it for 10
    /// minutes; closing the context disposes its pages without that wait (0 of 40).
    /// </remarks>
    public static async Task SignInAsync(this PortalServer portal, IBrowserContext context, string person)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(portal.Url + "/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {person}" }).ClickAsync();
        // The session cookie came with the redirect to "/"; the overview's own load is not waited for.
        // Under load its "load" event was once not seen within 90 s after the address had arrived.
        await PageAddress.ArriveAsync(page, portal.Url + "/");
    }
}
