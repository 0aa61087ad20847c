using AuditPortal.Components.Layout;
using AuditPortal.Features.Account;
using Bunit;

namespace AuditPortal.Tests.Dashboard;

public sealed class NavMenuTests : DashboardTestContext
{
    [Theory]
    [InlineData(PortalRoles.Reviewer)]
    [InlineData(PortalRoles.Manager)]
    public void ReviewersAndManagersSeeThePagesThatExistAndNoAdminPages(string role)
    {
        SignInAs(role);

        var links = RenderInteractive<NavMenu>().FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();

        Assert.Equal([("Overview", "/"), ("Timeline", "/timeline"), ("Prompts", "/prompts"), ("Integrity", "/integrity")], links);
    }

    [Fact]
    public void AnAdminAlsoSeesTheApiKeysPageAndTheAccessLog()
    {
        SignInAs(PortalRoles.Admin);

        var links = RenderInteractive<NavMenu>().FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();

        Assert.Equal([("Overview", "/"), ("Timeline", "/timeline"), ("Prompts", "/prompts"), ("Integrity", "/integrity"), ("API keys", "/admin/api-keys"), ("Access log", "/access")], links);
    }

    [Fact]
    public void APersonWithoutARoleIsShownNoPages()
    {
        SignInAs(null);

        Assert.Empty(RenderInteractive<NavMenu>().FindAll("a"));
    }
}
