using System.Text.RegularExpressions;
using AuditPortal.E2E.Infrastructure;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Pages;

/// <summary>The identity provider's login page, reached when the portal starts a sign-in.</summary>
public sealed class ProviderSignIn(IPage page, DashboardFixture fixture)
{
    /// <summary>Opens <paramref name="url"/> on the portal, logs in at the provider and returns to the portal.</summary>
    public async Task SignInAsync(string login, string url)
    {
        await page.GotoAsync(url);
        await PageAddress.ArriveAsync(page, new Regex("^" + Regex.Escape(fixture.Idp.Url) + "/login"));
        await page.GetByRole(AriaRole.Button, new() { Name = $"Log in as {login}" }).ClickAsync();
        // The session cookie came with the callback's redirect, so arriving is enough. Not the page's
        // load, nor "network idle": under load a "load" event was once not seen within 90 s after the
        // address had arrived, and a circuit that falls back to long polling never goes idle.
        await PageAddress.ArriveAsync(page, new Regex("^" + Regex.Escape(fixture.Oidc.Url) + "/"));
    }
}
