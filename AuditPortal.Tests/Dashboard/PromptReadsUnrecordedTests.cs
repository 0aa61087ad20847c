using AuditPortal.Features.Prompts;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// A ledger that refuses access events (a trigger, on a portal of this class's own): the prompt
/// pages show nothing they could not record.
/// </summary>
public sealed class PromptReadsUnrecordedTests : DashboardTestContext, IClassFixture<SqlitePortalFixture>
{
    // Generous: the whole suite runs on two loaded cores, and a page's first read waits for the writer.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SqlitePortalFixture _fixture;

    public PromptReadsUnrecordedTests(SqlitePortalFixture fixture)
    {
        _fixture = fixture;
        Services.AddSingleton(fixture.Portal.Services.GetRequiredService<PromptHistoryService>());
    }

    [Fact]
    public async Task ADiffOrHistoryTheLedgerCannotRecordIsNotShown()
    {
        var one = Events.PromptCreated("unrecorded-c1", "unrecorded", 1, "alice@example.com");
        one["prompt"]!["template"] = "secret first";
        var two = Events.PromptCreated("unrecorded-c2", "unrecorded", 2, "alice@example.com", parent: 1);
        two["prompt"]!["template"] = "secret second";
        await Events.PostAsync(_fixture.Ingest, one, two);
        await _fixture.Ledger.ExecuteAsync(
            "CREATE TRIGGER refuse_access BEFORE INSERT ON ledger_entries WHEN NEW.type = 'access' BEGIN SELECT RAISE(ABORT, 'no access events today'); END;");
        SignInAs(PortalRoles.Reviewer);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        Services.GetRequiredService<NavigationManager>().NavigateTo("/prompts/unrecorded/diff?from=1&to=2");
        var diff = Render<PromptDiffPage>(p => p.Add(c => c.Name, "unrecorded"));
        var history = Render<PromptHistoryPage>(p => p.Add(c => c.Name, "unrecorded"));
        var list = Render<PromptsPage>();

        diff.WaitForAssertion(() => Assert.StartsWith("This diff could not be read, or your viewing of it could not be recorded",
            diff.Find("[data-testid=diff-error]").TextContent), Patience);
        history.WaitForAssertion(() => Assert.StartsWith("This prompt's history could not be read",
            history.Find("[data-testid=history-error]").TextContent), Patience);
        list.WaitForAssertion(() => Assert.StartsWith("The prompt list could not be read", list.Find("[data-testid=prompts-error]").TextContent), Patience);
        foreach (var cut in new IRenderedComponent<IComponent>[] { diff, history, list })
        {
            Assert.DoesNotContain("secret", cut.Markup);
            Assert.Empty(cut.FindAll("ins, del, [data-testid=version-1], [data-testid=prompt-row]"));
        }
    }
}
