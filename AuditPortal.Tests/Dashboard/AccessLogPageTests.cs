using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Access;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Tests.Dashboard;

/// <summary>The access log page on a real SQLite portal: who read what, readable, for Admins only.</summary>
public sealed class AccessLogPageTests : DashboardTestContext, IClassFixture<TimelinePortal>
{
    private const string Admin = "ada.admin@example.com";
    private readonly TimelinePortal _portal;

    public AccessLogPageTests(TimelinePortal portal)
    {
        _portal = portal;
        Services.AddSingleton(portal.Portal.Services.GetRequiredService<AccessLogService>());
        Services.AddSingleton(portal.Portal.Services.GetRequiredService<FilterSuggestions>());
        Services.AddSingleton(TimeProvider.System);
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer, false)]
    [InlineData(PortalRoles.Manager, false)]
    [InlineData(PortalRoles.Admin, true)]
    public void OnlyAnAdminReachesTheAccessLog(string role, bool reaches)
    {
        SignInAs(role);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        // The same route view the portal's router uses, so the page's own [Authorize] decides.
        var cut = Render<AuthorizeRouteView>(p => p
            .Add(v => v.RouteData, new RouteData(typeof(AccessLogPageView), new Dictionary<string, object?>()))
            .Add(v => v.NotAuthorized, _ => b => b.AddMarkupContent(0, "<p id=\"refused\">refused</p>")));

        Assert.Equal(reaches, cut.FindAll("h1").Any(h => h.TextContent == "Access log"));
        Assert.Equal(!reaches, cut.FindAll("#refused").Count == 1);
    }

    [Fact]
    public async Task AnAdminSeesWhoSearchedAndViewedWhatWithLinks()
    {
        var reader = new ActorRef("rita.access@example.com", ActorKinds.User);
        var query = Parse($"application={TimelinePortal.Application}&model=gpt-4o");
        var page = await _portal.Portal.Services.GetRequiredService<TimelineService>().ReadAsync(query, reader, "dashboard", CancellationToken.None, withCount: true);
        var viewed = page.Rows[0].Sequence;
        await _portal.Portal.Services.GetRequiredService<EventDetailService>().ReadAsync(viewed, reader, "dashboard", CancellationToken.None);
        SignInAs(PortalRoles.Admin, Admin);

        var cut = Open($"/access?actor={Uri.EscapeDataString(reader.Id)}");

        var rows = cut.FindAll("[data-testid=access-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal([reader.Id, reader.Id], rows.Select(r => r.QuerySelector("[data-testid=access-who]")!.TextContent));
        Assert.Equal(["events.view", "events.query"], rows.Select(r => r.QuerySelector("[data-testid=access-action]")!.TextContent));
        var view = rows[0].QuerySelector("[data-testid=access-what]")!;
        Assert.Equal($"Viewed event #{viewed}", view.TextContent);
        Assert.Equal($"/events/{viewed}", view.QuerySelector("a")!.GetAttribute("href"));
        var search = rows[1].QuerySelector("[data-testid=access-what]")!;
        var calls = _portal.Calls.Count(c => c.Model == "gpt-4o");
        Assert.Equal($"Searched the timeline for application “{TimelinePortal.Application}”, model “gpt-4o”: {calls} shown of {calls} · open this search",
            search.TextContent);
        Assert.Equal($"/timeline?application={TimelinePortal.Application}&model=gpt-4o", search.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task ReadingTheAccessLogIsRecordedInItToo()
    {
        var admin = new ActorRef("ada.recorded@example.com", ActorKinds.User);
        await _portal.Portal.Services.GetRequiredService<AccessLogService>().ReadAsync(Parse($"actor={admin.Id}"), admin, "dashboard", CancellationToken.None,
            withCount: true);
        SignInAs(PortalRoles.Admin, admin.Id);

        var cut = Open($"/access?actor={admin.Id}");
        var what = cut.Find("[data-testid=access-row] [data-testid=access-what]").TextContent;
        Assert.StartsWith("Searched the access log for reader “ada.recorded@example.com”: 0 shown of 0", what);
        Assert.Equal(2, await _portal.AccessesByAsync("ada.recorded@example.com"));
    }

    [Fact]
    public async Task SearchedTextIsShownAsLiteralText()
    {
        var reader = new ActorRef("hostile.searcher@example.com", ActorKinds.User);
        await _portal.Portal.Services.GetRequiredService<TimelineService>().ReadAsync(
            Parse("q=" + Uri.EscapeDataString("<img src=x onerror=alert(1)>")), reader, "dashboard", CancellationToken.None);
        SignInAs(PortalRoles.Admin, Admin);

        var cut = Open($"/access?actor={Uri.EscapeDataString(reader.Id)}");

        var what = cut.Find("[data-testid=access-what]");
        Assert.StartsWith("Searched the timeline for text “<img src=x onerror=alert(1)>”", what.TextContent);
        Assert.Empty(what.QuerySelectorAll("img"));
    }

    [Fact]
    public void TimelineFiltersAnAccessEventCannotHaveAreNamed()
    {
        SignInAs(PortalRoles.Admin, Admin);

        var cut = Open("/access?model=gpt-4o");

        Assert.Contains("model is not a filter of the access log", cut.Find("[data-testid=query-errors]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=access-log]"));
    }

    private IRenderedComponent<AccessLogPageView> Open(string url)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var cut = RenderInteractive<AccessLogPageView>();
        cut.WaitForAssertion(() => Assert.DoesNotContain("Reading", cut.Find("[data-testid=access-status]").TextContent), TimeSpan.FromSeconds(30));
        return cut;
    }

    private static EventQuery Parse(string query)
    {
        var errors = new FieldErrors();
        var parsed = EventQueryParser.Parse(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query), errors);
        Assert.False(errors.Any);
        return parsed;
    }
}
