using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Retention;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// The retention page on a real ledger of its own per test (retention is ledger-wide): dual control as
/// two admins see it, the legal floor said before saving, holds placed at once, and the dry run.
/// </summary>
public sealed class RetentionPageTests : DashboardTestContext, IAsyncLifetime
{
    private const string Ada = "ada.admin@example.com";
    private const string Bob = "bob.admin@example.com";
    private TestLedger _ledger = null!;
    private PortalFactory _portal = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        _portal = new PortalFactory(_ledger);
        foreach (var type in new[] { typeof(RetentionService), typeof(RetentionHistory), typeof(RetentionDryRun), typeof(RetentionEnforcer),
                     typeof(TimeProvider), typeof(Microsoft.Extensions.Options.IOptions<AuditPortal.Configuration.PortalOptions>) })
            Services.AddSingleton(type, _portal.Services.GetRequiredService(type));
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _portal.DisposeAsync();
        await _ledger.DisposeAsync();
    }

    [Fact]
    public void AdaProposesAPolicyWhichOnlyBobCanConfirm()
    {
        SignInAs(PortalRoles.Admin, Ada);
        var page = RenderInteractive<RetentionPage>();
        page.WaitForElement("[data-testid=no-policies]");
        page.Find("input[data-testid=policy-type]").Change("llm.call");
        page.Find("input[data-testid=policy-days-input]").Input("365");
        page.Find("[data-testid=propose-policy]").Click();

        page.WaitForAssertion(() => Assert.Equal("New policy for type llm.call: keep content 365 days", page.Find("[data-testid=pending-what]").TextContent));
        Assert.Contains("Proposed: it takes effect when another admin confirms it", page.Find("[data-testid=retention-message]").TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=own-proposal]"));
        Assert.Empty(page.FindAll("[data-testid=confirm]"));
        Assert.NotEmpty(page.FindAll("[data-testid=no-policies]"));

        SignInAs(PortalRoles.Admin, Bob);
        var bobs = RenderInteractive<RetentionPage>();
        bobs.WaitForElement("[data-testid=confirm]").Click();

        bobs.WaitForAssertion(() => Assert.Equal("365 days", bobs.Find("[data-testid=policy-days]").TextContent));
        Assert.Equal("type llm.call", bobs.Find("[data-testid=policy-scope]").TextContent);
        Assert.NotEmpty(bobs.FindAll("[data-testid=no-pending]"));
        Assert.Contains("Confirmed: the change is in force.", bobs.Find("[data-testid=retention-message]").TextContent);
    }

    [Fact]
    public async Task APolicyUnderTheLegalFloorIsFlaggedBeforeSavingAndCannotBeProposed()
    {
        SignInAs(PortalRoles.Admin, Ada);
        var page = RenderInteractive<RetentionPage>();
        page.WaitForElement("[data-testid=no-policies]");
        Assert.Equal("180 days", page.Find("[data-testid=legal-floor]").TextContent);

        page.Find("input[data-testid=policy-days-input]").Input("30");

        page.WaitForAssertion(() => Assert.Equal("No policy may go under the legal floor of 180 days (AuditPortal:Retention:LegalFloorDays).",
            page.Find("[data-testid=floor-warning]").TextContent.Trim()));
        Assert.True(page.Find("[data-testid=propose-policy]").HasAttribute("disabled"));
        Assert.Empty((await _portal.Services.GetRequiredService<RetentionService>().StateAsync(CancellationToken.None)).Pending(DateTime.UtcNow));
    }

    [Fact]
    public async Task AHoldIsInForceAtOnceAndTheDryRunCountsWhatItKeeps()
    {
        using var ingest = await _portal.ClientWithKeyAsync("retention-page-bot", "ingest");
        var old = DateTimeOffset.UtcNow.AddDays(-400);
        await Events.PostAsync(ingest, Events.LlmCall("old-carol", "carol@example.com", at: old), Events.LlmCall("old-dave", "dave@example.com", at: old),
            Events.LlmCall("old-erin", "erin@example.com", at: old));
        var retention = _portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(new ActorRef(Bob, ActorKinds.User), RetentionScope.Default, 200, CancellationToken.None);
        await retention.ConfirmAsync(new ActorRef("cy.admin@example.com", ActorKinds.User), proposal.Id!, CancellationToken.None);
        SignInAs(PortalRoles.Admin, Ada);
        var page = RenderInteractive<RetentionPage>();
        page.WaitForElement("[data-testid=no-holds]");

        page.Find("input[data-testid=hold-actor]").Change("carol@example.com");
        page.Find("input[data-testid=hold-reason]").Change("Complaint 17");
        page.Find("input[data-testid=hold-owner]").Change("legal@example.com");
        page.Find("[data-testid=place-hold]").Click();

        page.WaitForAssertion(() => Assert.Equal("active", page.Find("[data-testid=hold-status]").TextContent));
        Assert.Equal("user carol@example.com", page.Find("[data-testid=hold-scope]").TextContent);
        page.Find("[data-testid=dry-run]").Click();
        page.WaitForAssertion(() => Assert.Equal(["2", "1"], [page.Find("[data-testid=would-purge]").TextContent, page.Find("[data-testid=kept]").TextContent]));
        Assert.Equal("every event: 200 days", page.Find("[data-testid=dry-run-row] td").TextContent);

        page.Find("[data-testid=run-enforcement]").Click();
        page.WaitForAssertion(() => Assert.Matches(@"^policy policy-[0-9a-f]{12}: 2 purged, 1 kept by holds\.$", page.Find("[data-testid=enforcement-result]").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=history-count]").TextContent));
        // The run names the version of the policy it applied: the event that put it in force (here Cy's confirmation).
        var version = Assert.Single((await retention.StateAsync(CancellationToken.None)).Policies).Version;
        Assert.Equal($"in force since #{version}", page.Find("[data-testid=history-version]").TextContent.Trim());
        Assert.Equal($"/events/{version}", page.Find("[data-testid=history-version] a").GetAttribute("href"));
        Assert.True((await _ledger.VerifyAsync()).Intact);
    }

    // The sections are only rendered for Admins; a circuit can outlive the role, so each action checks again.
    [Fact]
    public void ASessionThatLostTheAdminRoleIsRefusedEnforcementWithAMessage()
    {
        SignInAs(PortalRoles.Manager, "former.admin@example.com");
        var section = RenderInteractive<RetentionRunSection>();

        section.Find("[data-testid=run-enforcement]").Click();

        section.WaitForAssertion(() => Assert.Equal("Only an Admin may do this.", section.Find("[data-testid=enforcement-error]").TextContent.Trim()));
        Assert.Empty(section.FindAll("[data-testid=enforcement-result]"));
    }

    [Fact]
    public void ASessionThatLostTheAdminRoleIsRefusedTheDryRunWithAMessage()
    {
        SignInAs(PortalRoles.Manager, "former.admin@example.com");
        var section = RenderInteractive<RetentionDryRunSection>();

        section.Find("[data-testid=dry-run]").Click();

        section.WaitForAssertion(() => Assert.Equal("Only an Admin may do this.", section.Find("[data-testid=dry-run-error]").TextContent.Trim()));
        Assert.Empty(section.FindAll("[data-testid=dry-run-results], [data-testid=dry-run-empty]"));
    }

    [Fact]
    public void ARefusedHoldKeepsWhatTheAdminTyped()
    {
        SignInAs(PortalRoles.Admin, Ada);
        var page = RenderInteractive<RetentionPage>();
        page.WaitForElement("[data-testid=no-holds]");

        page.Find("input[data-testid=hold-actor]").Change("carol@example.com");
        page.Find("input[data-testid=hold-owner]").Change("legal@example.com");
        page.Find("[data-testid=place-hold]").Click(); // no reason: refused

        page.WaitForAssertion(() => Assert.Contains("reason", page.Find("[data-testid=retention-message]").TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("carol@example.com", page.Find("input[data-testid=hold-actor]").GetAttribute("value"));
        Assert.Equal("legal@example.com", page.Find("input[data-testid=hold-owner]").GetAttribute("value"));
        Assert.NotNull(page.Find("[data-testid=no-holds]"));
    }
}
