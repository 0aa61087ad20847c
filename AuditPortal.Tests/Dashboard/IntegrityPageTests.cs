using AuditPortal.Data.Ledger;
using AuditPortal.Features.Integrity;
using AuditPortal.Ledger;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Dashboard;

/// <summary>A ledger filled through the real portal (SQLite), shared by the integrity page tests that only read it.</summary>
public sealed class FilledPortal : IAsyncLifetime
{
    public TestLedger Ledger { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        Portal = new PortalFactory(Ledger);
        _ = Portal.Services; // starts the portal: migrations checked, signing key loaded
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}

public sealed class IntegrityPageTests(FilledPortal filled) : DashboardTestContext, IClassFixture<FilledPortal>
{
    private void UsePortal(PortalFactory portal)
    {
        Services.AddSingleton(portal.Services.GetRequiredService<IntegrityStatus>());
        // A run of its own per test: the portal's singleton would carry one test's run into the next.
        Services.AddSingleton(ActivatorUtilities.CreateInstance<VerificationRuns>(portal.Services));
    }

    [Fact]
    public async Task ListsTheLatestCheckpointsWithRootHashesTheAnchorsAndTheVerifierKey()
    {
        UsePortal(filled.Portal);
        SignInAs(PortalRoles.Reviewer);
        await using var db = filled.Ledger.OpenContext();
        var stored = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).ToListAsync();

        var cut = RenderInteractive<IntegrityPage>();
        cut.WaitForElement("[data-testid=checkpoints]");

        var rows = cut.FindAll("[data-testid=checkpoints] tbody tr");
        Assert.Equal(Math.Min(stored.Count, IntegrityStatus.RecentCheckpoints), rows.Count);
        Assert.Equal(stored[0].TreeSize.ToString("N0"), rows[0].Children[0].TextContent);
        Assert.Equal(Convert.ToHexStringLower(stored[0].RootHash), rows[0].Children[2].TextContent);
        Assert.Equal(filled.Ledger.VerifierKey().ToString(), cut.Find("[data-testid=verifier-key]").TextContent);
        Assert.Contains($"the largest of tree size {FilledLedger.Size}", cut.Find("[data-testid=anchors]").TextContent);
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer, false)]
    [InlineData(PortalRoles.Manager, false)]
    [InlineData(PortalRoles.Admin, true)]
    public void OnlyAnAdminIsOfferedToRunVerification(string role, bool offered)
    {
        UsePortal(filled.Portal);
        SignInAs(role);

        var cut = RenderInteractive<VerificationPanel>();

        Assert.Equal(offered, cut.FindAll("[data-testid=run-verification]").Count == 1);
    }

    [Fact]
    public async Task AnAdminsRunNamesTheFirstBadEntryOfATamperedLedger()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var attacker = new Attacker(ledger);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(25, "\"alice\"", "\"mallory\"", rehash: false);
        await using var portal = new PortalFactory(ledger);
        UsePortal(portal);
        SignInAs(PortalRoles.Admin, "ada.admin@example.com");

        var cut = RenderInteractive<VerificationPanel>();
        cut.Find("[data-testid=run-verification]").Click();

        cut.WaitForAssertion(() => Assert.StartsWith("first bad sequence 25: LeafMismatch",
            cut.Find("[data-testid=verification-first-failure]").TextContent), TimeSpan.FromSeconds(60));
    }
}
