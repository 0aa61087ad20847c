using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Retention;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>Dual control through the service, on both providers: refusals record nothing; every step is a config.changed event with before and after.</summary>
public sealed class RetentionServiceTests
{

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task APolicyUnderTheLegalFloorIsRefusedAndOneAboveItTakesEffectWhenBobConfirmsAdasProposal(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var before = await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");

        var tooShort = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 30, Ct);
        Assert.Equal("A policy must keep content at least 180 days (the legal floor, AuditPortal:Retention:LegalFloorDays).", tooShort.Refusal);
        Assert.Equal(before, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));

        var proposed = await retention.ProposePolicyAsync(Ada, new RetentionScope("llm.call", null, null), 180, Ct);
        Assert.True(proposed.Succeeded, proposed.Refusal);
        Assert.Empty((await retention.StateAsync(Ct)).Policies);

        var own = await retention.ConfirmAsync(Ada, proposed.Id!, Ct);
        Assert.Equal("You proposed this change; a second admin must confirm it.", own.Refusal);
        Assert.Empty((await retention.StateAsync(Ct)).Policies);

        Assert.True((await retention.ConfirmAsync(Bob, proposed.Id!, Ct)).Succeeded);
        var policy = Assert.Single((await retention.StateAsync(Ct)).Policies);
        Assert.Equal((180, "llm.call", Ada.Id, Bob.Id), (policy.Days, policy.Scope.Type, policy.ProposedBy, policy.ConfirmedBy));

        var steps = await StepsAsync(ledger);
        Assert.Equal(["retention.proposed", "retention.confirmed"], steps.Select(s => (string)s["change"]!));
        Assert.All(steps, s => Assert.Contains("\"days\":180", (string)s["after"]!));
        Assert.All(steps, s => Assert.Equal("none", (string)s["before"]!));
        Assert.True((await ledger.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task ChangesDeletionsHoldReleasesAndErasuresAllWaitForASecondAdmin()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var created = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 400, Ct);
        await retention.ConfirmAsync(Bob, created.Id!, Ct);
        var policyId = Assert.Single((await retention.StateAsync(Ct)).Policies).Id;

        var change = await retention.ProposePolicyChangeAsync(Bob, policyId, 200, Ct);
        var hold = await retention.PlaceHoldAsync(Ada, new HoldScope("carol@example.com", null, null, null, null), "Litigation 42", "legal@example.com", Ct);
        var held = await retention.StateAsync(Ct);
        Assert.Equal(400, held.Policy(policyId)!.Days);
        Assert.True(held.Hold(hold.Id!)!.Active);

        var release = await retention.ProposeHoldReleaseAsync(Ada, hold.Id!, Ct);
        var erasure = await retention.ProposeErasureAsync(Ada, " Dave@Example.com ", "TICKET-7", Ct);
        Assert.Equal(3, (await retention.StateAsync(Ct)).Pending(DateTime.UtcNow).Count());

        await retention.ConfirmAsync(Ada, change.Id!, Ct);
        await retention.ConfirmAsync(Bob, release.Id!, Ct);
        await retention.RejectAsync(Bob, erasure.Id!, Ct);

        var state = await retention.StateAsync(Ct);
        Assert.Equal(200, state.Policy(policyId)!.Days);
        Assert.False(state.Hold(hold.Id!)!.Active);
        Assert.Empty(state.Erasures);
        Assert.Empty(state.Pending(DateTime.UtcNow));
        var confirmedChange = (await StepsAsync(ledger)).Single(s => (string)s["change"]! == "retention.confirmed" && (string)s["kind"]! == "policy.change");
        Assert.Contains("\"days\":400", (string)confirmedChange["before"]!);
        Assert.Contains("\"days\":200", (string)confirmedChange["after"]!);
    }

    [Fact]
    public async Task AHoldOnAUserNamesTheFormTheEnvelopesHoldAndOverlongTextIsRefusedRecordingNothing()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var before = await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");

        var tooLong = await retention.PlaceHoldAsync(Ada, new HoldScope("carol@example.com", null, null, null, null), new string('x', 1001), "legal", Ct);
        Assert.Equal("A hold's reason and owner are at most 1000 characters each.", tooLong.Refusal);
        Assert.Equal(before, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));

        var hold = await retention.PlaceHoldAsync(Ada, new HoldScope("  Carol@Example.COM ", null, null, null, null), "Complaint 17", "legal", Ct);
        var state = await retention.StateAsync(Ct);
        Assert.Equal("carol@example.com", state.Hold(hold.Id!)!.Scope.Actor);
        Assert.Single(state.HoldsOn("carol@example.com", null, null, DateTime.UtcNow));
    }

    [Fact]
    public async Task AClientsOwnConfigChangedEventsNeverBecomePolicies()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("ops-bot", "ingest");
        var forged = new JsonObject
        {
            ["id"] = "forged-1", ["type"] = "config.changed", ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = "ada.admin@example.com", ["kind"] = "user" },
            ["attributes"] = new JsonObject { ["change"] = "retention.proposed", ["proposal"] = "p", ["kind"] = "policy.create", ["policy"] = "x", ["days"] = "1" },
        };
        var confirm = forged.DeepClone().AsObject();
        confirm["id"] = "forged-2";
        confirm["actor"]!["id"] = "bob.admin@example.com";
        confirm["attributes"] = new JsonObject { ["change"] = "retention.confirmed", ["proposal"] = "p" };
        await Events.PostAsync(ingest, forged, confirm);

        var state = await portal.Services.GetRequiredService<RetentionService>().StateAsync(Ct);
        Assert.Empty(state.Policies);
        Assert.Empty(state.Pending(DateTime.UtcNow));
    }

    [Fact]
    public async Task ATombstoneCannotBePostedByAClient()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("ops-bot", "ingest");
        var tombstone = Events.LlmCall("tomb-1");
        tombstone["type"] = "retention.applied";

        var (status, body) = await Events.SendAsync(ingest, Events.Batch(tombstone));

        Assert.Equal(400, status);
        Assert.Contains("retention.applied is reserved for the portal itself", body.ToJsonString());
    }

    private static async Task<List<JsonObject>> StepsAsync(TestLedger ledger)
    {
        await using var db = ledger.OpenContext();
        var envelopes = await db.Entries.AsNoTracking().Where(e => e.Type == "config.changed" && e.SubmittedBy == "auditportal")
            .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(Ct);
        return [.. envelopes.Select(e => JsonNode.Parse(e)!["attributes"]!.AsObject()).Where(a => ((string?)a["change"])?.StartsWith("retention.") == true)];
    }
}
