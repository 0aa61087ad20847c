using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;

namespace AuditPortal.Tests.Retention;

/// <summary>The rules as the replay of the ledger applies them, whatever wrote the events.</summary>
public sealed class RetentionStateTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private long _sequence;

    private ProjectedEvent Step(string actor, DateTime at, Dictionary<string, string> attributes, ActorRef? submitter = null) =>
        new(_sequence++, $"e{_sequence}", LedgerEventTypes.ConfigChanged, at, actor, submitter ?? PortalAccount.Recorder, null, null, null, attributes);

    private ProjectedEvent Propose(string actor, DateTime at, string proposal, string policy, int days, string? type = null, string? application = null) =>
        Step(actor, at, new Dictionary<string, string?> { ["change"] = RetentionLedger.Proposed, ["proposal"] = proposal, ["kind"] = "policy.create",
            ["policy"] = policy, ["days"] = $"{days}", ["before"] = "none", ["after"] = "x", ["scope.type"] = type, ["scope.application"] = application }
            .Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!));

    private ProjectedEvent Confirm(string actor, DateTime at, string proposal) =>
        Step(actor, at, new() { ["change"] = RetentionLedger.Confirmed, ["proposal"] = proposal, ["kind"] = "policy.create" });

    [Fact]
    public void APolicyTakesEffectOnlyWhenASecondAdminConfirmsIt()
    {
        var state = new RetentionState();
        state.Apply(Propose("ada", T0, "p1", "default", 365));
        Assert.Empty(state.Policies);
        Assert.Single(state.Pending(T0));

        state.Apply(Confirm("ada", T0.AddHours(1), "p1"));
        Assert.Empty(state.Policies);
        Assert.Contains(state.Ignored, i => i.Reason.Contains("confirmed their own proposal"));

        var confirmation = Confirm("bob", T0.AddHours(2), "p1");
        state.Apply(confirmation);
        var policy = Assert.Single(state.Policies);
        Assert.Equal(("default", 365, "ada", "bob", confirmation.Sequence), (policy.Id, policy.Days, policy.ProposedBy, policy.ConfirmedBy, policy.Version));
        Assert.Empty(state.Pending(T0.AddHours(2)));
    }

    [Fact]
    public void AProposalLapsesAfterSevenDays()
    {
        var state = new RetentionState();
        state.Apply(Propose("ada", T0, "p1", "default", 365));
        Assert.Empty(state.Pending(T0.AddDays(7)));

        state.Apply(Confirm("bob", T0.AddDays(7).AddSeconds(1), "p1"));

        Assert.Empty(state.Policies);
        Assert.Contains(state.Ignored, i => i.Reason.Contains("lapsed"));
    }

    [Fact]
    public void TheMostSpecificPolicyWinsAndATieKeepsLonger()
    {
        var state = new RetentionState();
        var at = T0;
        foreach (var (id, days, type, application) in new[] { ("default", 400, (string?)null, (string?)null), ("calls", 300, "llm.call", null),
                     ("support-calls", 200, "llm.call", "support-bot"), ("support", 250, null, "support-bot") })
        {
            state.Apply(Propose("ada", at, "p-" + id, id, days, type, application));
            state.Apply(Confirm("bob", at = at.AddMinutes(1), "p-" + id));
        }

        Assert.Equal("support-calls", state.PolicyFor("llm.call", "support-bot", "gpt-4o")!.Id);
        Assert.Equal("calls", state.PolicyFor("llm.call", "claims", "gpt-4o")!.Id);
        Assert.Equal("support", state.PolicyFor("access", "support-bot", null)!.Id);
        Assert.Equal("default", state.PolicyFor("access", "claims", null)!.Id);
    }

    [Fact]
    public void AHoldKeepsAtOnceAndItsReleaseNeedsASecondAdmin()
    {
        var state = new RetentionState();
        state.Apply(Step("ada", T0, new() { ["change"] = RetentionLedger.HoldPlaced, ["hold"] = "h1", ["scope.actor"] = "carol@example.com",
            ["reason"] = "Litigation 42", ["owner"] = "legal@example.com", ["after"] = "x" }));
        Assert.Single(state.HoldsOn("carol@example.com", "support-bot", null, T0.AddYears(-1)));
        Assert.Empty(state.HoldsOn("dave@example.com", "support-bot", null, T0));

        state.Apply(Step("ada", T0.AddDays(1), new() { ["change"] = RetentionLedger.Proposed, ["proposal"] = "r1", ["kind"] = "hold.release", ["hold"] = "h1" }));
        Assert.Single(state.HoldsOn("carol@example.com", null, null, T0));
        state.Apply(Step("bob", T0.AddDays(2), new() { ["change"] = RetentionLedger.Confirmed, ["proposal"] = "r1", ["kind"] = "hold.release" }));
        Assert.Empty(state.HoldsOn("carol@example.com", null, null, T0));
    }

    [Fact]
    public void StepsSubmittedByAnyoneButThePortalChangeNothing()
    {
        var state = new RetentionState();
        var service = new ActorRef("ops-bot", ActorKinds.Service);
        state.Apply(Step("ada", T0, new() { ["change"] = RetentionLedger.Proposed, ["proposal"] = "p1", ["kind"] = "policy.create", ["policy"] = "x", ["days"] = "1" }, service));
        state.Apply(Step("bob", T0, new() { ["change"] = RetentionLedger.Confirmed, ["proposal"] = "p1" }, service));
        state.Apply(Step("ada", T0, new() { ["change"] = RetentionLedger.HoldPlaced, ["hold"] = "h", ["scope.actor"] = "x" }, service));

        Assert.Empty(state.Policies);
        Assert.Empty(state.Holds);
        Assert.Empty(state.Pending(T0));
    }
}
