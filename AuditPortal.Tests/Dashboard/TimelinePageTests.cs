using AuditPortal.Components.EventFilters;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Events;
using AuditPortal.Features.Retention;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>The timeline page on a real SQLite portal: filters ↔ URL ↔ query, paging, and ledger text shown as text.</summary>
public sealed class TimelinePageTests : DashboardTestContext, IClassFixture<TimelinePortal>
{
    private const string Reviewer = "rita.reviewer@example.com";
    private readonly TimelinePortal _portal;

    public TimelinePageTests(TimelinePortal portal)
    {
        _portal = portal;
        Services.AddSingleton(portal.Portal.Services.GetRequiredService<TimelineService>());
        Services.AddSingleton(portal.Portal.Services.GetRequiredService<FilterSuggestions>());
        Services.AddSingleton(TimeProvider.System);
        SignInAs(PortalRoles.Reviewer, Reviewer);
    }

    [Fact]
    public void AUrlWithFiltersShowsExactlyTheRowsOfThoseFiltersAndTheFiltersInTheForm()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}&model=claude-sonnet");

        var expected = _portal.Calls.Where(c => c.Model == "claude-sonnet").Select(c => c.Sequence).ToList();
        Assert.Equal(expected, Sequences(cut));
        Assert.Equal(TimelinePortal.Application, Input(cut, "application").GetAttribute("value"));
        Assert.Equal("claude-sonnet", Input(cut, "model").GetAttribute("value"));
        Assert.Contains($"{expected.Count} shown of {expected.Count} matching", cut.Find("[data-testid=timeline-status]").TextContent);
        Assert.All(cut.FindAll("[data-testid=timeline-row] td[data-column=model]"), td => Assert.Equal("claude-sonnet", td.TextContent));
    }

    [Fact]
    public async Task ChangingAFilterAndApplyingNavigatesToItsUrlAndTypingAloneSearchesNothing()
    {
        var reader = "apply.reviewer@example.com";
        SignInAs(PortalRoles.Reviewer, reader);
        var cut = Open($"/timeline?application={TimelinePortal.Application}");
        var searches = await _portal.AccessesByAsync(reader);

        Input(cut, "model").Input("gpt-4o");
        Input(cut, "actor").Input("Carol@Example.com");
        Input(cut, "q").Input("tl-");
        Assert.Equal(searches, await _portal.AccessesByAsync(reader));
        Assert.EndsWith($"/timeline?application={TimelinePortal.Application}", Navigation.Uri);

        cut.Find("[data-testid=apply-filters]").Click();

        cut.WaitForAssertion(() => Assert.Equal($"http://localhost/timeline?actor=Carol@Example.com&application={TimelinePortal.Application}&model=gpt-4o&q=tl-", Navigation.Uri), Wait);
        // The URL reproduces the view: the page, now at that URL, shows carol's gpt-4o calls (her id compared in normal form).
        var expected = _portal.Calls.Where(c => c.Model == "gpt-4o" && c.Actor == "carol@example.com").Select(c => c.Sequence).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Sequences(cut)), Wait);
        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task AnInvalidFromIsShownAtItsFieldAndNoSearchRuns()
    {
        var reader = "invalid.reviewer@example.com";
        SignInAs(PortalRoles.Reviewer, reader);

        var cut = Open($"/timeline?application={TimelinePortal.Application}&from=yesterday");

        cut.WaitForAssertion(() => Assert.StartsWith("from must be an RFC 3339 date-time with an offset",
            cut.Find(".mud-input-helper-text.mud-input-error").TextContent));
        Assert.Equal("yesterday", Input(cut, "from").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=timeline]"));
        Assert.NotNull(cut.Find("[data-testid=filter-errors]"));
        Assert.Equal(0, await _portal.AccessesByAsync(reader));
    }

    [Fact]
    public void AParameterThatIsNotAFilterIsNamedAboveTheResults()
    {
        var cut = Open("/timeline?colour=blue&cursor=not-a-cursor");

        var errors = cut.Find("[data-testid=query-errors]").TextContent;
        Assert.Contains("colour is not a recognised parameter", errors);
        Assert.Contains("cursor is not a cursor this API issued", errors);
        Assert.Empty(cut.FindAll("[data-testid=timeline]"));
    }

    [Fact]
    public void NextAndPreviousPageWalkTheTimelineThroughTheUrl()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}&limit=3");
        var all = _portal.Calls.Select(c => c.Sequence).ToList();
        Assert.Equal(all[..3], Sequences(cut));
        Assert.Empty(cut.FindAll("[data-testid=previous-page]"));

        cut.Find("[data-testid=next-page]").Click();
        cut.WaitForAssertion(() => Assert.Contains("&limit=3&cursor=", Navigation.Uri), Wait);
        cut.WaitForAssertion(() => Assert.Equal(all[3..6], Sequences(cut)), Wait);
        Assert.Contains("Page 2", cut.Find("[data-testid=timeline-status]").TextContent);

        cut.Find("[data-testid=next-page]").Click();
        cut.WaitForAssertion(() => Assert.Equal(all[6..], Sequences(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=next-page]"));

        cut.Find("[data-testid=previous-page]").Click();
        cut.WaitForAssertion(() => Assert.Equal(all[3..6], Sequences(cut)), Wait);
        cut.Find("[data-testid=previous-page]").Click();
        cut.WaitForAssertion(() => Assert.EndsWith($"/timeline?application={TimelinePortal.Application}&limit=3", Navigation.Uri), Wait);
        cut.WaitForAssertion(() => Assert.Equal(all[..3], Sequences(cut)), Wait);
    }

    [Fact]
    public async Task ARenderWithoutANavigationNeitherSearchesAgainNorClearsWhatIsBeingTyped()
    {
        var reader = "rerender.reviewer@example.com";
        SignInAs(PortalRoles.Reviewer, reader);
        var cut = Open($"/timeline?application={TimelinePortal.Application}");
        var searches = await _portal.AccessesByAsync(reader);
        Input(cut, "q").Input("half-typed");

        // What a layout re-render does: the page's parameters are set again, the URL unchanged.
        await cut.InvokeAsync(() => cut.Instance.SetParametersAsync(ParameterView.Empty));
        await Task.Delay(500);

        Assert.Equal(searches, await _portal.AccessesByAsync(reader));
        Assert.Equal("half-typed", Input(cut, "q").GetAttribute("value"));
    }

    [Fact]
    public async Task LeavingThePageRunsNoSearch()
    {
        var reader = "leaving.reviewer@example.com";
        SignInAs(PortalRoles.Reviewer, reader);
        Open($"/timeline?application={TimelinePortal.Application}&limit=1");
        var searches = await _portal.AccessesByAsync(reader);

        // Following a row's link: the query parameters change to the next page's (none) just before the page goes.
        Navigation.NavigateTo($"/events/{_portal.Calls[0].Sequence}");
        await Task.Delay(500);

        Assert.Equal(searches, await _portal.AccessesByAsync(reader));
    }

    [Fact]
    public async Task PrerenderingShowsTheUrlsFiltersButLeavesTheSearchToTheCircuit()
    {
        var reader = "prerender.reviewer@example.com";
        SignInAs(PortalRoles.Reviewer, reader);
        Navigation.NavigateTo($"/timeline?application={TimelinePortal.Application}&model=gpt-4o");
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var cut = Render<TimelinePageView>();

        Assert.Equal("gpt-4o", Input(cut, "model").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=timeline]"));
        Assert.Equal(0, await _portal.AccessesByAsync(reader));
    }

    [Fact]
    public void FiltersThatMatchNothingSaySoAndOfferToClearThem()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}&model=no-such-model");

        Assert.Equal("No events match these filters.", cut.Find("[data-testid=timeline-empty] p").TextContent);
        cut.Find("[data-testid=empty-clear-filters]").Click();
        cut.WaitForAssertion(() => Assert.Equal("http://localhost/timeline", Navigation.Uri), Wait);
    }

    [Fact]
    public void HostileActorAndApplicationAreShownAsLiteralText()
    {
        var cut = Open($"/timeline?application={Uri.EscapeDataString(TimelinePortal.HostileApplication)}");

        var row = cut.Find("[data-testid=timeline-row]");
        Assert.Equal(_portal.HostileSequence.ToString(), row.GetAttribute("data-sequence"));
        Assert.Equal(TimelinePortal.HostileActor, row.QuerySelector("td[data-column=actor]")!.TextContent.Trim());
        Assert.Equal(TimelinePortal.HostileApplication, row.QuerySelector("td[data-column=application]")!.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=timeline] script, [data-testid=timeline] img"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Find("[data-testid=timeline]").InnerHtml);
    }

    [Fact]
    public void ARowLinksToItsEventAndTimesAreInTheViewersZoneWithUtcOnHover()
    {
        JSInterop.SetupModule("./Components/ViewerTime.razor.js").Setup<string?>("timeZone").SetResult("Europe/Berlin");

        var cut = Open($"/timeline?application={TimelinePortal.Application}&limit=1");

        var newest = _portal.Calls[0].Sequence;
        Assert.Equal($"/events/{newest}", cut.Find("[data-testid=event-link]").GetAttribute("href"));
        Assert.Equal("Occurred (Europe/Berlin)", cut.Find("[data-testid=timeline] th").TextContent);
        var time = cut.Find("[data-testid=timeline-row] time");
        // 2026-11-20 09:07 UTC is 10:07 in Berlin (CET, +01:00).
        Assert.Equal("2026-11-20 10:07:00", time.TextContent);
        Assert.Equal("2026-11-20 09:07:00.0000000 UTC", time.GetAttribute("title"));
    }

    [Fact]
    public void TheColumnChooserHidesAndShowsColumns()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}&limit=2");
        Assert.NotEmpty(cut.FindAll("td[data-column=model]"));
        Assert.Empty(cut.FindAll("td[data-column=id]"));

        cut.Find("input[data-testid=column-model], [data-testid=column-model] input").Change(false);
        cut.Find("input[data-testid=column-id], [data-testid=column-id] input").Change(true);

        // MudBlazor's checkbox hands the change on asynchronously: on a loaded machine the render can come later.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("td[data-column=model]")), Wait);
        cut.WaitForAssertion(() => Assert.Equal(["tl-7", "tl-6"], cut.FindAll("td[data-column=id]").Select(td => td.TextContent)), Wait);
    }

    [Fact]
    public void APresetAppliesAnAbsoluteTimeRangeAtOnce()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}");
        var before = DateTimeOffset.UtcNow;

        cut.Find("[data-testid=preset-last-day]").Click();
        cut.WaitForAssertion(() => Assert.Contains("&from=", Navigation.Uri), Wait);

        var from = System.Web.HttpUtility.ParseQueryString(new Uri(Navigation.Uri).Query)["from"]!;
        Assert.InRange(DateTimeOffset.Parse(from), before.AddDays(-1).AddSeconds(-2), DateTimeOffset.UtcNow.AddDays(-1).AddSeconds(1));
        Assert.StartsWith($"http://localhost/timeline?application={TimelinePortal.Application}&from=", Navigation.Uri);
    }

    [Fact]
    public void SuggestionsOfferTheLedgersKnownValues()
    {
        var cut = Open($"/timeline?application={TimelinePortal.Application}&limit=1");

        string[] Options(string list) => [.. cut.FindAll($"datalist#timeline-{list} option").Select(o => o.GetAttribute("value")!)];
        Assert.Contains("claude-sonnet", Options("models"));
        Assert.Contains("gpt-4o", Options("models"));
        Assert.Contains(TimelinePortal.Application, Options("applications"));
        Assert.Contains("carol@example.com", Options("users"));
        Assert.Equal("timeline-models", Input(cut, "model").GetAttribute("list"));
    }

    [Fact]
    public async Task ARowWhoseContentRetentionPurgedSaysUnderWhichPolicyAndWhenAndAContentMissingWithoutATombstoneSaysSo()
    {
        var application = "tl-purge-" + Guid.NewGuid().ToString("N")[..8];
        using var client = await _portal.Portal.ClientWithKeyAsync("timeline-purge-" + application, "ingest");
        var receipts = await Events.PostAsync(client,
            Events.LlmCall($"{application}-old", application: application, at: DateTimeOffset.UtcNow.AddDays(-400)),
            Events.LlmCall($"{application}-new", application: application),
            Events.LlmCall($"{application}-lost", application: application));
        var (old, kept, lost) = ((long)receipts["receipts"]![0]!["sequence"]!, (long)receipts["receipts"]![1]!["sequence"]!, (long)receipts["receipts"]![2]!["sequence"]!);
        var retention = _portal.Portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(new ActorRef("ada.admin@example.com", ActorKinds.User), new RetentionScope(null, application, null), 180,
            Xunit.TestContext.Current.CancellationToken);
        await retention.ConfirmAsync(new ActorRef("ben.admin@example.com", ActorKinds.User), proposal.Id!, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(1, (await _portal.Portal.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Xunit.TestContext.Current.CancellationToken)).Sum(p => p.Purged));
        await new Tampering.Attacker(_portal.Ledger).DisableTriggersAsync();
        await _portal.Ledger.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {lost}");

        var cut = Open($"/timeline?application={application}");

        AngleSharp.Dom.IElement Row(long sequence) => cut.Find($"[data-testid=timeline-row][data-sequence='{sequence}']");
        Assert.Equal("content purged", Row(old).QuerySelector("[data-testid=content-purged]")!.TextContent.Trim());
        Assert.Matches($@"^purged under retention policy policy-[0-9a-f]{{12}} \(180 days\) on {DateTime.UtcNow:yyyy-MM-dd} \(tombstone \d+\)$",
            Row(old).QuerySelector("[data-testid=purged-by]")!.TextContent);
        Assert.Null(Row(kept).QuerySelector("[data-testid=content-purged]"));
        Assert.Equal("content missing", Row(lost).QuerySelector("[data-testid=content-purged]")!.TextContent.Trim());
        Assert.StartsWith("content missing, and no retention tombstone covers it", Row(lost).QuerySelector("[data-testid=purged-by]")!.TextContent);
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<TimelinePageView> Open(string url)
    {
        Navigation.NavigateTo(url);
        var cut = RenderInteractive<TimelinePageView>();
        cut.WaitForAssertion(() => Assert.DoesNotContain("Searching", cut.Find("[data-testid=timeline-status]").TextContent), Wait);
        return cut;
    }

    private static List<long> Sequences(IRenderedComponent<TimelinePageView> cut) =>
        [.. cut.FindAll("[data-testid=timeline-row]").Select(r => long.Parse(r.GetAttribute("data-sequence")!))];

    // MudBlazor puts the test id on the input itself or on its wrapper, depending on the component.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<TimelinePageView> cut, string name) =>
        cut.Find($"input[data-testid=filter-{name}], [data-testid=filter-{name}] input");
}
