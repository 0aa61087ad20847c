using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Events;
using AuditPortal.Features.Evidence;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// The evidence page on a real SQLite portal: the URL's filters previewed, an export that runs in the
/// background and lists its pack, cancel, a failure that says why, and who may open the page at all.
/// Each test exports as a person of its own, so the lists it reads hold only its jobs.
/// </summary>
public sealed class EvidencePageTests(EvidencePortal portal) : DashboardTestContext, IClassFixture<EvidencePortal>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const string V3Url = $"/evidence?prompt={EvidencePortal.Prompt}&promptVersion=3";

    [Fact]
    public async Task TheUrlsFiltersArePreviewedWithWhatThePackWillHold()
    {
        Use(portal.Portal);
        SignInAs(PortalRoles.Manager, "preview.manager@example.com");
        var expected = await portal.Exporter.PreviewAsync(new EventQuery { Prompt = EvidencePortal.Prompt, PromptVersion = 3 }, true, CancellationToken.None);

        var cut = Open(V3Url);

        Assert.Equal(EvidencePortal.Prompt, Input(cut, "prompt").GetAttribute("value"));
        Assert.Equal("3", Input(cut, "promptVersion").GetAttribute("value"));
        Assert.Equal(EvidencePortal.V3PackEntries.ToString(), Text(cut, "preview-events"));
        Assert.Equal(expected.PromptChanges.ToString("N0"), Text(cut, "preview-prompt-changes"));
        Assert.True(expected.PromptChanges > 0, "the history of ev-reply belongs in the pack");
        Assert.Equal(expected.AccessEvents.ToString("N0"), Text(cut, "preview-access-events"));
        Assert.Equal(expected.Contents.ToString("N0"), Text(cut, "preview-contents"));
        Assert.Equal(EvidenceFormat.Bytes(expected.EstimatedBytes), Text(cut, "preview-size"));
        Assert.False(cut.Find("[data-testid=export]").HasAttribute("disabled"));

        cut.Find("input[data-testid=include-content], [data-testid=include-content] input").Change(false);

        cut.WaitForAssertion(() => Assert.Equal("left out", Text(cut, "preview-contents")), Wait);
    }

    [Fact]
    public void FiltersThatMatchNothingCannotBeExported()
    {
        Use(portal.Portal);
        SignInAs(PortalRoles.Manager, "empty.manager@example.com");

        var cut = Open($"/evidence?application={EvidencePortal.Application}&model=no-such-model");

        Assert.Equal("0", Text(cut, "preview-events"));
        Assert.NotNull(cut.Find("[data-testid=preview-empty]"));
        Assert.True(cut.Find("[data-testid=export]").HasAttribute("disabled"));
    }

    [Fact]
    public void ACursorFromATimelineLinkIsRefusedRatherThanExportingPartOfTheEvents()
    {
        Use(portal.Portal);
        SignInAs(PortalRoles.Manager, "cursor.manager@example.com");

        var cut = Open($"/evidence?prompt={EvidencePortal.Prompt}&limit=2");

        Assert.Contains("limit is not used here", cut.Find("[data-testid=query-errors]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=evidence-preview]"));
        Assert.True(cut.Find("[data-testid=export]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnExportRunsInTheBackgroundAndListsThePackWithItsManifestAfterLeavingAndComingBack()
    {
        Use(portal.Portal);
        const string manager = "export.manager@example.com";
        SignInAs(PortalRoles.Manager, manager);
        var cut = Open(V3Url);
        Assert.NotNull(cut.Find("[data-testid=no-packs]"));

        cut.Find("[data-testid=export]").Click();

        var job = Assert.Single(portal.Jobs.Recent(manager));
        Assert.Equal(new Dictionary<string, string> { ["prompt"] = EvidencePortal.Prompt, ["promptVersion"] = "3" }, job.Filters);
        cut.WaitForAssertion(() => Assert.Equal("done", cut.Find("[data-testid=pack-row]").GetAttribute("data-status")), Wait);
        var done = portal.Jobs.Find(job.Id)!;
        Assert.StartsWith($"{EvidencePortal.V3PackEntries} entries (3 prompt changes, ", cut.Find("[data-testid=pack-counts]").TextContent.Trim());
        Assert.Equal(done.Result!.ManifestSha256, cut.Find("[data-testid=pack-manifest]").TextContent);
        Assert.Matches("^[0-9a-f]{64}$", done.Result.ManifestSha256);
        Assert.Equal($"/evidence/packs/{job.Id}", cut.Find("[data-testid=pack-download]").GetAttribute("href"));
        Assert.Equal("prompt “ev-reply”, version “3”", cut.Find("[data-testid=pack-filters]").TextContent);
        // The progress panel hears of the finished job on its own render turn, which may come after the list's.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=export-progress]")), Wait);

        // Another page and back (a new component, as after a reload or a new sign-in): the pack is still listed.
        await DisposeComponentsAsync();
        var again = Open("/evidence");
        var row = again.Find("[data-testid=pack-row]");
        Assert.Equal(job.Id, row.GetAttribute("data-job"));
        Assert.Equal("done", row.GetAttribute("data-status"));
    }

    [Fact]
    public async Task CancellingARunningExportStopsItAndLeavesNoPack()
    {
        Use(portal.Portal);
        const string manager = "cancel.manager@example.com";
        SignInAs(PortalRoles.Manager, manager);
        using var hold = new HeldExport(portal.Jobs, manager);
        var cut = Open(V3Url);

        cut.Find("[data-testid=export]").Click();
        var held = await hold.Held;
        cut.WaitForAssertion(() => Assert.Contains("Running", cut.Find("[data-testid=export-progress-text]").TextContent), Wait);
        cut.Find("[data-testid=cancel-export]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Cancelling", cut.Find("[data-testid=export-progress-text]").TextContent), Wait);
        hold.Release();

        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find("[data-testid=pack-row]").GetAttribute("data-status")), Wait);
        Assert.Equal($"Cancelled by {manager}.", cut.Find("[data-testid=pack-reason]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=pack-download]"));
        Assert.Equal([held.Id + ".json"], portal.FilesOf(held.Id));
    }

    [Fact]
    public async Task AFailedExportSaysWhyAndOffersNoDownload()
    {
        // A ledger of its own that refuses access events: an export that cannot be recorded must fail.
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var failing = new PortalFactory(ledger);
        await EvidencePortal.SeedAsync(failing);
        await ledger.ExecuteAsync("CREATE TRIGGER refuse_access BEFORE INSERT ON ledger_entries WHEN NEW.type = 'access' " +
                                  "BEGIN SELECT RAISE(ABORT, 'access events are refused here'); END;");
        Use(failing);
        SignInAs(PortalRoles.Manager, "failed.manager@example.com");
        var cut = Open(V3Url);

        cut.Find("[data-testid=export]").Click();

        cut.WaitForAssertion(() => Assert.Equal("failed", cut.Find("[data-testid=pack-row]").GetAttribute("data-status")), Wait);
        Assert.Equal("Failed", cut.Find("[data-testid=pack-status] span").TextContent);
        Assert.Contains("The ledger could not store the events", cut.Find("[data-testid=pack-reason]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=pack-download]"));
    }

    [Fact]
    public async Task AnAdminSeesEveryonesPacksWithTheirExporter()
    {
        Use(portal.Portal);
        var other = "listed.manager@example.com";
        var job = await portal.Jobs.FinishedAsync(portal.Jobs.Start(EvidencePortal.V3Request(false), new ActorRef(other, ActorKinds.User)).Id);
        SignInAs(PortalRoles.Admin, "ada.admin@example.com");

        var cut = Open("/evidence");

        Assert.Equal("Recent packs (everyone's)", cut.Find("#packs-heading").TextContent);
        var row = cut.Find($"[data-testid=pack-row][data-job='{job.Id}']");
        Assert.Equal(other, row.QuerySelector("[data-testid=pack-exporter]")!.TextContent);
        Assert.NotNull(row.QuerySelector("[data-testid=pack-download]"));
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer, false)]
    [InlineData(PortalRoles.Manager, true)]
    [InlineData(PortalRoles.Admin, true)]
    public void OnlyManagersAndAdminsReachThePage(string role, bool reaches)
    {
        Use(portal.Portal);
        SignInAs(role);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        // The same route view the portal's router uses, so the page's own [Authorize] decides.
        var cut = Render<AuthorizeRouteView>(p => p
            .Add(v => v.RouteData, new RouteData(typeof(EvidencePage), new Dictionary<string, object?>()))
            .Add(v => v.NotAuthorized, _ => b => b.AddMarkupContent(0, "<p id=\"refused\">refused</p>")));

        Assert.Equal(reaches, cut.FindAll("h1").Any(h => h.TextContent == "Evidence"));
        Assert.Equal(!reaches, cut.FindAll("#refused").Count == 1);
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer, false)]
    [InlineData(PortalRoles.Manager, true)]
    public void TheTimelineOffersManagersAnExportOfItsFilters(string role, bool offered)
    {
        Use(portal.Portal);
        Services.AddSingleton(portal.Portal.Services.GetRequiredService<TimelineService>());
        SignInAs(role, $"timeline.{role.ToLowerInvariant()}@example.com");
        Navigation.NavigateTo($"/timeline?application={EvidencePortal.Application}&prompt={EvidencePortal.Prompt}");

        var cut = RenderInteractive<TimelinePageView>();
        cut.WaitForAssertion(() => Assert.DoesNotContain("Searching", cut.Find("[data-testid=timeline-status]").TextContent), Wait);

        var links = cut.FindAll("[data-testid=export-evidence]");
        Assert.Equal(offered, links.Count == 1);
        if (offered)
            Assert.Equal($"/evidence?application={EvidencePortal.Application}&prompt={EvidencePortal.Prompt}", links[0].GetAttribute("href"));
    }

    /// <summary>The page's services, from <paramref name="portalFactory"/>'s running portal.</summary>
    private void Use(PortalFactory portalFactory)
    {
        var services = portalFactory.Services;
        Services.AddSingleton(services.GetRequiredService<EvidenceExporter>());
        Services.AddSingleton(services.GetRequiredService<EvidenceJobs>());
        Services.AddSingleton(services.GetRequiredService<EvidenceJobsLocation>());
        Services.AddSingleton(services.GetRequiredService<FilterSuggestions>());
        Services.AddSingleton(TimeProvider.System);
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<EvidencePage> Open(string url)
    {
        Navigation.NavigateTo(url);
        var cut = RenderInteractive<EvidencePage>();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[aria-label='Counting what the pack will hold']")), Wait);
        return cut;
    }

    private static string Text(IRenderedComponent<EvidencePage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    // MudBlazor puts the test id on the input itself or on its wrapper, depending on the component.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<EvidencePage> cut, string name) =>
        cut.Find($"input[data-testid=filter-{name}], [data-testid=filter-{name}] input");
}
