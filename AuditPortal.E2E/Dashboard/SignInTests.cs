using System.Text.RegularExpressions;
using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>Sign-in, roles and sign-out through a real OpenID Connect provider, and Development sign-in.</summary>
public sealed class SignInTests(DashboardFixture fixture)
{
    private const string PortalSessionCookie = "AuditPortal.Session";

    [Theory(Timeout = BrowserTestLimits.TestMilliseconds)]
    [InlineData("rita", "Reviewer", false)]
    [InlineData("mark", "Manager", false)]
    [InlineData("ada", "Admin", true)]
    public async Task EachRoleSignsInThroughTheProviderAndSeesOnlyItsActions(string login, string role, bool mayRunVerification)
    {
        await using var context = await fixture.NewContextAsync(login);
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/integrity");
        await page.WaitUntilInteractiveAsync();

        Assert.Equal(role, await page.TestId("user-roles").InnerTextAsync());
        var nav = page.Page.GetByRole(AriaRole.Navigation, new() { Name = "Dashboard" });
        // Roles are cumulative: a Manager adds evidence export, an Admin the admin pages.
        string[] links = role switch
        {
            "Admin" => ["Overview", "Timeline", "Prompts", "Integrity", "Evidence", "API keys", "Access log", "Retention"],
            "Manager" => ["Overview", "Timeline", "Prompts", "Integrity", "Evidence"],
            _ => ["Overview", "Timeline", "Prompts", "Integrity"],
        };
        Assert.Equal(links, (await nav.GetByRole(AriaRole.Link).AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.Equal(mayRunVerification ? 1 : 0, await page.TestId("run-verification").CountAsync());
        page.AssertNoConsoleErrors();
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task APersonWhoseGroupsMapToNoRoleGetsANoAccessPageNamingWhatToMap()
    {
        await using var context = await fixture.NewContextAsync("nora");
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/integrity");

        Assert.Equal(403, page.Response!.Status);
        Assert.Equal("nora.norole@example.com", await page.TestId("no-access-user").InnerTextAsync());
        var instructions = await page.TestId("no-access-instructions").InnerTextAsync();
        Assert.Contains(IdentityProvider.RoleClaim, instructions);
        Assert.Contains("AuditPortal:Authentication:OpenIdConnect:RoleMap", instructions);
        Assert.Equal(["staff"], await page.TestId("no-access-values").Locator("li").AllInnerTextsAsync());
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AnUnauthenticatedPageRequestStartsTheSignInAndReturnsToThePage()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await new ProviderSignIn(page, fixture).SignInAsync("rita", fixture.Oidc.Url + "/integrity");

        Assert.Equal(fixture.Oidc.Url + "/integrity", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integrity", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task SigningOutEndsThePortalSessionAndTheProvidersSession()
    {
        await using var context = await fixture.NewContextAsync();
        var browserPage = await context.NewPageAsync();
        await new ProviderSignIn(browserPage, fixture).SignInAsync("mark", fixture.Oidc.Url + "/");
        var page = await DashboardPage.OpenAsync(context, fixture.Oidc.Url + "/");
        await page.WaitUntilInteractiveAsync();

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await PageAddress.ArriveAsync(page.Page, fixture.Oidc.Url + "/account/signed-out");
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "You have signed out" })).ToBeVisibleAsync();

        // Both sessions are gone: the portal sends the browser to the provider, which asks who it is again
        // (with its session alive, it would have sent the browser straight back signed in).
        var cookies = await context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name is PortalSessionCookie or "Idp.Session");
        await page.Page.GotoAsync(fixture.Oidc.Url + "/");
        await PageAddress.ArriveAsync(page.Page, new Regex("^" + Regex.Escape(fixture.Idp.Url) + "/login"));
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task DevelopmentSignInListsTheDemoPeopleWithTheirRolesUnderAWarningBanner()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await DashboardPage.OpenAsync(context, fixture.Development.Url + "/integrity");
        Assert.StartsWith(fixture.Development.Url + "/account/signin", page.Page.Url);

        var rows = await page.Page.Locator("table.devusers tbody tr").AllInnerTextsAsync();
        Assert.Equal(5, rows.Count);
        Assert.Contains(rows, r => r.Contains("ada.admin@example.com") && r.Contains("Admin"));
        Assert.Contains(rows, r => r.Contains("ben.admin@example.com") && r.Contains("Admin"));
        Assert.Contains(rows, r => r.Contains("nora.norole@example.com") && r.Contains("no role"));
        await Assertions.Expect(page.Page.GetByText("Development sign-in: anyone can sign in")).ToBeVisibleAsync();

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in as Ada Admin" }).ClickAsync();
        await PageAddress.ArriveAsync(page.Page, fixture.Development.Url + "/integrity");
        await page.WaitUntilInteractiveAsync();
        Assert.Equal("Admin", await page.TestId("user-roles").InnerTextAsync());
        await Assertions.Expect(page.Page.GetByText("Development sign-in: anyone can sign in")).ToBeVisibleAsync();
        await Assertions.Expect(page.TestId("run-verification")).ToBeVisibleAsync();
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task ALoginTheProviderRefusesEndsOnAPageThatSaysSoNotAnErrorPage()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        // What the provider sends back when the person cancels: an error instead of a code.
        var response = await page.GotoAsync(fixture.Oidc.Url + "/signin-oidc?error=access_denied&state=forged");

        Assert.Equal(fixture.Oidc.Url + "/account/signin-failed", page.Url);
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in did not complete" })).ToBeVisibleAsync();
    }

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task ASignedInBrowsersCookiesNeverAuthorizeTheApi()
    {
        await using var context = await fixture.NewContextAsync("ada");
        Assert.Contains(await context.CookiesAsync(), c => c.Name == PortalSessionCookie);

        var response = await context.APIRequest.GetAsync(fixture.Oidc.Url + "/api/v1/events", new() { MaxRedirects = 0 });

        Assert.Equal(401, response.Status);
        Assert.StartsWith("application/problem+json", response.Headers["content-type"]);
        Assert.Contains("An API key is required", await response.TextAsync());
    }
}
