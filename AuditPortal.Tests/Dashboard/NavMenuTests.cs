using AuditPortal.Components.Layout;
using AuditPortal.Security;
using Bunit;

namespace AuditPortal.Tests.Dashboard;

public sealed class NavMenuTests : DashboardTestContext
{
    [Fact]
    public void AReviewerSeesThePagesThatExistAndNoExportOrAdminPages()
    {
        SignInAs(PortalRoles.Reviewer);

        var links = RenderInteractive<NavMenu>().FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();

        Assert.Equal([("Overview", "/"), ("Timeline", "/timeline"), ("Prompts", "/prompts"), ("Integrity", "/integrity")], links);
    }

    [Fact]
    public void AManagerAlsoSeesTheEvidencePageButNoAdminPages()
    {
        SignInAs(PortalRoles.Manager);

        var links = RenderInteractive<NavMenu>().FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();

        Assert.Equal([("Overview", "/"), ("Timeline", "/timeline"), ("Prompts", "/prompts"), ("Integrity", "/integrity"), ("Evidence", "/evidence")], links);
    }

    [Fact]
    public void AnAdminAlsoSeesTheEvidencePageTheApiKeysPageTheAccessLogAndRetention()
    {
        SignInAs(PortalRoles.Admin);

        var links = RenderInteractive<NavMenu>().FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();

        Assert.Equal([("Overview", "/"), ("Timeline", "/timeline"), ("Prompts", "/prompts"), ("Integrity", "/integrity"), ("Evidence", "/evidence"),
            ("API keys", "/admin/api-keys"), ("Access log", "/access"), ("Retention", "/retention")], links);
    }

    [Fact]
    public void APersonWithoutARoleIsShownNoPages()
    {
        SignInAs(null);

        Assert.Empty(RenderInteractive<NavMenu>().FindAll("a"));
    }
}
