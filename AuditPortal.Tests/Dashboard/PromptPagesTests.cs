using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Prompts;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// The prompt pages on the real portal's SQLite ledger, prompt events sent through the ingestion API
/// as a client service sends them (each test uses prompt names of its own).
/// </summary>
public sealed class PromptPagesTests : DashboardTestContext, IClassFixture<SqlitePortalFixture>
{
    private const string Rita = "rita.reviewer@example.com";
    // Generous: the whole suite runs on two loaded cores, and a page's first read waits for the writer.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SqlitePortalFixture _fixture;

    public PromptPagesTests(SqlitePortalFixture fixture)
    {
        _fixture = fixture;
        Services.AddSingleton(fixture.Portal.Services.GetRequiredService<PromptHistoryService>());
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task TheListShowsEachPromptsVersionsLatestVersionAndWhatIsPublished()
    {
        var tag = Tag();
        await SendAsync(
            Created(tag, $"list-{tag}", 1, "alice@example.com", "v1"),
            Decision(tag, "approved", $"list-{tag}", 1, "bob@example.com"),
            Decision(tag, "published", $"list-{tag}", 1, "bob@example.com"),
            Created(tag, $"list-{tag}", 2, "carol@example.com", "v2"),
            Decision(tag, "rejected", $"list-{tag}", 2, "bob@example.com"));
        var reader = $"lister-{tag}@example.com";
        SignInAs(PortalRoles.Reviewer, reader);

        var cut = RenderInteractive<PromptsPage>();
        cut.WaitForElement("[data-testid=prompts]", Patience);

        var row = cut.FindAll("[data-testid=prompt-row]").Single(r => r.QuerySelector("a")!.TextContent == $"list-{tag}");
        Assert.Equal([$"list-{tag}", "2", "v2", "rejected", "carol@example.com", "v1"], row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal($"/prompts/list-{tag}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal([("prompts.list", "dashboard")], (await AccessesByAsync(reader)).Select(a => ((string)a["action"]!, (string)a["via"]!)));
    }

    [Fact]
    public async Task TheHistoryShowsEachVersionsAuthorApprovalsRejectionsPublicationAndTheCallsThatUsedIt()
    {
        var tag = Tag();
        var name = $"history-{tag}";
        await SendAsync(
            Created(tag, name, 1, "alice@example.com", "Answer politely.", note: "First draft"),
            Decision(tag, "rejected", name, 1, "bob@example.com", comment: "Too vague"),
            Created(tag, name, 2, "alice@example.com", "Answer politely and briefly.", note: "Shorter answers", parent: 1),
            Decision(tag, "approved", name, 2, "bob@example.com", comment: "Looks good"),
            Decision(tag, "published", name, 2, "carol@example.com"));
        var reader = $"historian-{tag}@example.com";
        SignInAs(PortalRoles.Reviewer, reader);

        var cut = RenderHistory(name);
        cut.WaitForElement("[data-testid=version-2]", Patience);

        var first = cut.Find("[data-testid=version-1]");
        Assert.Equal("alice@example.com", Text(first, "author"));
        Assert.Equal("First draft", Text(first, "change-note"));
        Assert.Matches(@"^Rejected by bob@example\.com on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: “Too vague”$", Text(first, "rejection"));
        Assert.Empty(first.QuerySelectorAll("[data-testid=approval]"));
        Assert.Equal("not published", Text(first, "publication"));
        Assert.Equal("rejected", Text(first, "prompt-status"));
        Assert.Equal("Answer politely.", Text(first, "template"));
        var second = cut.Find("[data-testid=version-2]");
        Assert.Equal("Shorter answers", Text(second, "change-note"));
        Assert.Matches(@"^Approved by bob@example\.com on .+ UTC: “Looks good”$", Text(second, "approval"));
        Assert.Matches(@"^by carol@example\.com on .+ UTC$", Text(second, "publication"));
        Assert.Equal("published", Text(second, "prompt-status"));
        Assert.Equal($"/timeline?prompt={name}&promptVersion=2", second.QuerySelector("[data-testid=calls-link]")!.GetAttribute("href"));
        Assert.Equal($"/prompts/{name}/diff?from=1&to=2", second.QuerySelector("[data-testid=diff-previous]")!.GetAttribute("href"));
        // Newest first, and the picker offers every version, preset to the newest change.
        Assert.Equal(["version-2", "version-1"], cut.FindAll("[data-testid^=version-]").Select(e => e.GetAttribute("data-testid")));
        Assert.Equal(["1", "2"], cut.FindAll("[data-testid=compare-to] option").Select(o => o.GetAttribute("value")));
        Assert.Equal("1", cut.Find("[data-testid=compare-from] option[selected]").GetAttribute("value"));
        Assert.Equal("2", cut.Find("[data-testid=compare-to] option[selected]").GetAttribute("value"));
        Assert.Equal([("prompts.history", name)], (await AccessesByAsync(reader)).Select(a => ((string)a["action"]!, (string)a["prompt"]!)));
    }

    [Fact]
    public async Task TheDiffMarksExactlyTheChangedWordsSideBySideAndInline()
    {
        var tag = Tag();
        var name = $"diff-{tag}";
        await SendAsync(
            Created(tag, name, 1, "alice@example.com", "You are a support agent.\nAnswer politely in English."),
            Decision(tag, "approved", name, 1, "bob@example.com"),
            Created(tag, name, 2, "dave@example.com", "You are a support agent.\nAnswer briefly in French.\nSign with your name.", parent: 1),
            Decision(tag, "approved", name, 2, "erin@example.com", comment: "Fine"));
        SignInAs(PortalRoles.Reviewer, $"differ-{tag}@example.com");

        var cut = RenderDiff(name, "1", "2");
        cut.WaitForElement("[data-testid=diff-side-by-side]", Patience);

        var rows = cut.FindAll("[data-testid=diff-row]");
        Assert.Equal(["unchanged", "modified", "inserted"], rows.Select(r => r.GetAttribute("data-kind")));
        Assert.Equal("Answer <del>politely</del> in <del>English</del>.", rows[1].QuerySelector("[data-testid=old-line]")!.InnerHtml);
        Assert.Equal("Answer <ins>briefly</ins> in <ins>French</ins>.", rows[1].QuerySelector("[data-testid=new-line]")!.InnerHtml);
        Assert.Equal("", rows[2].QuerySelector("[data-testid=old-line]")!.InnerHtml);
        Assert.Equal("<ins>Sign with your name.</ins>", rows[2].QuerySelector("[data-testid=new-line]")!.InnerHtml);
        Assert.Equal("You are a support agent.", rows[0].QuerySelector("[data-testid=new-line]")!.InnerHtml);
        // Who wrote and approved each side.
        Assert.Equal("alice@example.com", Text(cut.Find("[data-testid=side-from]"), "author"));
        Assert.StartsWith("Approved by bob@example.com", Text(cut.Find("[data-testid=side-from]"), "approval"));
        Assert.Equal("dave@example.com", Text(cut.Find("[data-testid=side-to]"), "author"));
        Assert.StartsWith("Approved by erin@example.com", Text(cut.Find("[data-testid=side-to]"), "approval"));
        Assert.Empty(cut.FindAll("[data-testid=diff-identical]"));

        cut.Find("[data-testid=view-inline]").Click();

        var lines = cut.WaitForElements("[data-testid=diff-line]", Patience);
        Assert.Equal(["unchanged", "modified", "inserted"], lines.Select(r => r.GetAttribute("data-kind")));
        Assert.Equal("Answer <del>politely</del><ins>briefly</ins> in <del>English</del><ins>French</ins>.",
            lines[1].QuerySelector("[data-testid=line-text]")!.InnerHtml);
        Assert.Equal("<ins>Sign with your name.</ins>", lines[2].QuerySelector("[data-testid=line-text]")!.InnerHtml);
        Assert.Empty(cut.FindAll("[data-testid=diff-side-by-side]"));
    }

    [Fact]
    public async Task EveryDiffShownIsAnAccessEventOfTheSignedInPersonNamingThePromptAndVersions()
    {
        var tag = Tag();
        var name = $"logged-{tag}";
        await SendAsync(Created(tag, name, 1, "alice@example.com", "one"), Created(tag, name, 2, "alice@example.com", "two", parent: 1));
        var reader = $"diff-reader-{tag}@example.com";
        SignInAs(PortalRoles.Reviewer, reader);

        RenderDiff(name, "2", "1").WaitForElement("[data-testid=diff-side-by-side]", Patience);

        var access = Assert.Single(await AccessesByAsync(reader));
        Assert.Equal(("prompts.diff", name, "2", "1", "dashboard"),
            ((string)access["action"]!, (string)access["prompt"]!, (string)access["from"]!, (string)access["to"]!, (string)access["via"]!));
        // The access log reads what was recorded as a sentence linking to the same diff.
        var recorded = access.Where(p => p.Key != "action").ToDictionary(p => p.Key, p => (string)p.Value!);
        var described = AccessDescription.Describe("prompts.diff", recorded);
        Assert.Equal($"Compared prompt {name} v2 → v1", string.Concat(described.Select(p => p.Text)));
        Assert.Equal($"/prompts/{name}/diff?from=2&to=1", described[^1].Href);
    }

    [Theory]
    [InlineData(null, null, "Say which two versions to compare")]
    [InlineData("1", "two", "The versions to compare must be whole numbers from 1: from is “1”, to is “two”.")]
    [InlineData("0", "1", "The versions to compare must be whole numbers from 1")]
    [InlineData("1", "9", "The prompt has no version 9: its versions are 1 to 2.")]
    [InlineData("7", "9", "The prompt has no version 7 or 9")]
    public async Task AMissingOrBadVersionGetsAClearMessageShowsNoTemplateAndIsNotRecorded(string? from, string? to, string message)
    {
        var tag = Tag();
        var name = $"bad-{tag}";
        await SendAsync(Created(tag, name, 1, "alice@example.com", "secret one"), Created(tag, name, 2, "alice@example.com", "secret two", parent: 1));
        var reader = $"bad-reader-{tag}@example.com";
        SignInAs(PortalRoles.Reviewer, reader);

        var cut = RenderDiff(name, from, to);

        cut.WaitForAssertion(() => Assert.StartsWith(message, cut.Find("[data-testid=diff-problem]").TextContent.Trim()), Patience);
        Assert.DoesNotContain("secret", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=diff-side-by-side]"));
        Assert.Empty(await AccessesByAsync(reader));
    }

    [Fact]
    public async Task APromptTheLedgerDoesNotHaveIsSaidSo()
    {
        SignInAs(PortalRoles.Reviewer);

        var diff = RenderDiff($"nowhere-{Tag()}", "1", "2");
        var history = RenderHistory($"nowhere-{Tag()}");

        diff.WaitForAssertion(() => Assert.StartsWith("The ledger has no prompt named", diff.Find("[data-testid=diff-problem]").TextContent.Trim()), Patience);
        history.WaitForAssertion(() => Assert.StartsWith("The ledger has no prompt named", history.Find("[data-testid=no-such-prompt]").TextContent.Trim()), Patience);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task AVersionComparedWithItselfIsIdentical()
    {
        var tag = Tag();
        var name = $"same-{tag}";
        await SendAsync(Created(tag, name, 1, "alice@example.com", "Line one\nLine two"));
        SignInAs(PortalRoles.Reviewer);

        var cut = RenderDiff(name, "1", "1");

        cut.WaitForAssertion(() => Assert.Equal("Version 1 is compared with itself: the templates are identical.",
            cut.Find("[data-testid=diff-identical]").TextContent.Trim()), Patience);
        Assert.Empty(cut.FindAll("ins, del"));
        Assert.Empty(cut.FindAll("[data-testid=swap]"));
    }

    [Fact]
    public async Task HostileTemplateNoteAndCommentTextIsShownLiterallyAndNothingIsInjected()
    {
        var tag = Tag();
        var name = $"hostile-{tag}";
        const string v1 = "<script>alert(1)</script> Hello";
        const string v2 = "<script>alert(2)</script> Hello <img src=x onerror=alert(3)>";
        await SendAsync(
            Created(tag, name, 1, "alice@example.com", v1, note: "<b>bold</b> note"),
            Created(tag, name, 2, "alice@example.com", v2, note: "=HYPERLINK(\"http://evil\")", parent: 1),
            Decision(tag, "approved", name, 2, "bob@example.com", comment: "<img src=x onerror=alert(4)>"));
        SignInAs(PortalRoles.Reviewer);

        var history = RenderHistory(name);
        history.WaitForElement("[data-testid=version-2]", Patience);
        var diff = RenderDiff(name, "1", "2");
        diff.WaitForElement("[data-testid=diff-side-by-side]", Patience);

        Assert.Equal(v2, Text(history.Find("[data-testid=version-2]"), "template"));
        Assert.Equal(v1, Text(history.Find("[data-testid=version-1]"), "template"));
        Assert.Equal("<b>bold</b> note", Text(history.Find("[data-testid=version-1]"), "change-note"));
        Assert.EndsWith("“<img src=x onerror=alert(4)>”", Text(history.Find("[data-testid=version-2]"), "approval"));
        Assert.Equal(["2", " <img src=x onerror=alert(3)>"], diff.FindAll("ins").Select(e => e.TextContent));
        foreach (var cut in new IRenderedComponent<IComponent>[] { history, diff })
        {
            Assert.Empty(cut.FindAll("script, img, b"));
            Assert.Contains("&lt;script&gt;alert(", cut.Markup);
        }
    }

    [Fact]
    public async Task BeforeTheCircuitConnectsNothingIsReadSoAViewIsRecordedOnce()
    {
        var tag = Tag();
        var name = $"prerender-{tag}";
        await SendAsync(Created(tag, name, 1, "alice@example.com", "one"), Created(tag, name, 2, "alice@example.com", "two", parent: 1));
        var reader = $"prerender-{tag}@example.com";
        SignInAs(PortalRoles.Reviewer, reader);
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        NavigateTo($"/prompts/{name}/diff?from=1&to=2");
        Render<PromptDiffPage>(p => p.Add(c => c.Name, name));
        Render<PromptHistoryPage>(p => p.Add(c => c.Name, name));
        Render<PromptsPage>();

        Assert.Empty(await AccessesByAsync(reader));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(PortalRoles.Reviewer, true)]
    [InlineData(PortalRoles.Manager, true)]
    [InlineData(PortalRoles.Admin, true)]
    public void EveryRoleFromReviewerUpReachesThePromptPagesAndNobodyElse(string? role, bool reaches)
    {
        SignInAs(role);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        foreach (var page in new[] { typeof(PromptsPage), typeof(PromptHistoryPage), typeof(PromptDiffPage) })
        {
            // The same route view the portal's router uses, so each page's own [Authorize] decides.
            var cut = Render<Microsoft.AspNetCore.Components.Authorization.AuthorizeRouteView>(p => p
                .Add(v => v.RouteData, new RouteData(page, page == typeof(PromptsPage) ? [] : new Dictionary<string, object?> { ["Name"] = $"nobody-{Tag()}" }))
                .Add(v => v.NotAuthorized, _ => b => b.AddMarkupContent(0, "<p id=\"refused\">refused</p>")));

            Assert.Equal(!reaches, cut.FindAll("#refused").Count == 1);
            Assert.Equal(reaches, cut.FindAll("h1").Count == 1);
        }
    }

    private IRenderedComponent<PromptHistoryPage> RenderHistory(string name)
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<PromptHistoryPage>(p => p.Add(c => c.Name, name));
    }

    private IRenderedComponent<PromptDiffPage> RenderDiff(string name, string? from, string? to)
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        // The page reads from and to from its URL, as the router hands them over.
        var query = string.Join("&", new[] { ("from", from), ("to", to) }.Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));
        NavigateTo($"/prompts/{Uri.EscapeDataString(name)}/diff" + (query.Length > 0 ? "?" + query : ""));
        return Render<PromptDiffPage>(p => p.Add(c => c.Name, name));
    }

    private void NavigateTo(string url) => Services.GetRequiredService<NavigationManager>().NavigateTo(url);

    private static string Text(IElement scope, string testId) =>
        scope.QuerySelector($"[data-testid={testId}]")?.TextContent.Trim() ?? throw new InvalidOperationException($"no [data-testid={testId}]");

    private Task SendAsync(params JsonNode[] events) => Events.PostAsync(_fixture.Ingest, events);

    private static JsonObject Created(string tag, string name, int version, string author, string template, string? note = null, int? parent = null)
    {
        var e = Events.PromptCreated($"{tag}-{name}-c{version}", name, version, author, parent);
        e["prompt"]!["template"] = template;
        if (note is not null) e["prompt"]!["changeNote"] = note;
        return e;
    }

    private static JsonObject Decision(string tag, string what, string name, int version, string actor, string? comment = null)
    {
        var e = Events.PromptDecision($"{tag}-{name}-{what}{version}", $"prompt.version.{what}", name, version, actor);
        if (comment is not null) e["comment"] = comment;
        return e;
    }

    /// <summary>The attributes of the access events a person caused, in ledger order.</summary>
    private async Task<List<JsonObject>> AccessesByAsync(string reader)
    {
        await using var db = _fixture.Ledger.OpenContext();
        var envelopes = await db.Entries.AsNoTracking().Where(e => e.Type == EventTypes.Access && e.ActorId == reader)
            .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync();
        return [.. envelopes.Select(e => JsonNode.Parse(e)!["attributes"]!.AsObject())];
    }
}
