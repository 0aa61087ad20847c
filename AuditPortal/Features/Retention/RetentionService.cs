using System.Text.Json.Nodes;
using AuditPortal.Configuration;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Retention policies, legal holds and erasure requests under dual control. Every step is a
/// <c>config.changed</c> event the portal records for the admin who acted, and the current state is
/// always replayed from those events (<see cref="RetentionState"/>), never read from an editable
/// table. A policy change, a policy deletion, a hold release and an erasure take effect only when a
/// second admin confirms; placing a hold takes effect at once, because it can only keep more.
/// </summary>
public sealed class RetentionService(
    IDbContextFactory<LedgerDbContext> factory,
    PortalEventRecorder recorder,
    IOptions<PortalOptions> options,
    TimeProvider time)
{
    /// <summary>One decision at a time in this instance; across instances the replay keeps the first of two racing confirmations.</summary>
    private readonly SemaphoreSlim _deciding = new(1, 1);

    public int LegalFloorDays => options.Value.Retention.LegalFloorDays;

    public async Task<RetentionState> StateAsync(CancellationToken cancellationToken) => (await StateAtAsync(cancellationToken)).State;

    /// <summary>
    /// The state, and the log's size it was read at: a portal configuration event at or beyond
    /// <c>LogSize</c> (<see cref="ChangedSinceAsync"/>) may have changed it.
    /// </summary>
    public async Task<(RetentionState State, long LogSize)> StateAtAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var logSize = (await db.Entries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? -1) + 1;
        var submitter = PortalAccount.Recorder.Id;
        var envelopes = await db.Entries.AsNoTracking()
            .Where(e => e.Sequence < logSize && e.Type == LedgerEventTypes.ConfigChanged && e.SubmittedBy == submitter)
            .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(cancellationToken);
        return (RetentionState.Replay(envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>()), logSize);
    }

    /// <summary>Whether the portal recorded a configuration event (a retention step among them) at or beyond <paramref name="logSize"/>.</summary>
    public static Task<bool> ChangedSinceAsync(LedgerDbContext db, long logSize, CancellationToken cancellationToken)
    {
        var submitter = PortalAccount.Recorder.Id;
        return db.Entries.AnyAsync(e => e.Sequence >= logSize && e.Type == LedgerEventTypes.ConfigChanged && e.SubmittedBy == submitter, cancellationToken);
    }

    public Task<RetentionResult> ProposePolicyAsync(ActorRef admin, RetentionScope scope, int days, CancellationToken cancellationToken) =>
        DecideAsync(state =>
        {
            if ((DaysRefusal(days) ?? ScopeRefusal(scope)) is { } refusal) return (null, refusal);
            if (state.Policies.FirstOrDefault(p => p.Scope == scope) is { } existing)
                return (null, $"A policy for {scope} exists ({existing.Days} days); propose a change to it instead.");
            if (state.Pending(Now).FirstOrDefault(p => p.Kind == ProposalKind.PolicyCreate && p.Scope == scope) is { } waiting)
                return (null, $"A policy for {scope} is already proposed by {waiting.ProposedBy} and waits for confirmation.");
            var proposal = NewProposal(ProposalKind.PolicyCreate, admin) with { PolicyId = NewId("policy"), Scope = scope, Days = days };
            return (proposal, null);
        }, admin, cancellationToken);

    public Task<RetentionResult> ProposePolicyChangeAsync(ActorRef admin, string policyId, int days, CancellationToken cancellationToken) =>
        DecideAsync(state =>
        {
            if (DaysRefusal(days) is { } refusal) return (null, refusal);
            if (state.Policy(policyId) is not { } policy) return (null, $"There is no policy {policyId}.");
            if (policy.Days == days) return (null, $"The policy already keeps content {days} days.");
            return (NewProposal(ProposalKind.PolicyChange, admin) with { PolicyId = policyId, Scope = policy.Scope, Days = days }, null);
        }, admin, cancellationToken);

    public Task<RetentionResult> ProposePolicyDeletionAsync(ActorRef admin, string policyId, CancellationToken cancellationToken) =>
        DecideAsync(state => state.Policy(policyId) is null
            ? (null, $"There is no policy {policyId}.")
            : (NewProposal(ProposalKind.PolicyDelete, admin) with { PolicyId = policyId }, null), admin, cancellationToken);

    public Task<RetentionResult> ProposeHoldReleaseAsync(ActorRef admin, string holdId, CancellationToken cancellationToken) =>
        DecideAsync(state => state.Hold(holdId) is not { Active: true }
            ? (null, $"There is no active hold {holdId}.")
            : (NewProposal(ProposalKind.HoldRelease, admin) with { HoldId = holdId }, null), admin, cancellationToken);

    public Task<RetentionResult> ProposeErasureAsync(ActorRef admin, string subject, string reference, CancellationToken cancellationToken) =>
        DecideAsync(_ =>
        {
            if (!ActorIds.TryNormalize(subject.Trim(), out var normalized, out var error)) return (null, $"The subject's id {error}.");
            if (string.IsNullOrWhiteSpace(reference)) return (null, "Give a reference for the request (for example the ticket number).");
            if (reference.Trim().Length > MaxText) return (null, $"The reference is longer than {MaxText} characters.");
            return (NewProposal(ProposalKind.Erasure, admin) with { Subject = normalized, Reference = reference.Trim() }, null);
        }, admin, cancellationToken);

    /// <summary>A second admin confirms: the change takes effect.</summary>
    public async Task<RetentionResult> ConfirmAsync(ActorRef admin, string proposalId, CancellationToken cancellationToken)
    {
        await _deciding.WaitAsync(cancellationToken);
        try
        {
            var state = await StateAsync(cancellationToken);
            if (state.Proposal(proposalId) is not { } proposal) return RetentionResult.Refused($"There is no pending proposal {proposalId}.");
            if (proposal.ExpiresAtUtc <= Now) return RetentionResult.Refused($"The proposal lapsed on {proposal.ExpiresAtUtc:u}; propose it again.");
            if (proposal.ProposedBy == admin.Id) return RetentionResult.Refused("You proposed this change; a second admin must confirm it.");
            var (before, after) = BeforeAndAfter(state, proposal);
            await RecordAsync(admin, RetentionLedger.DecisionAttributes(RetentionLedger.Confirmed, proposal, before, after), cancellationToken);
            return RetentionResult.Done(proposal.Id);
        }
        finally
        {
            _deciding.Release();
        }
    }

    /// <summary>Any admin, the proposer included (a withdrawal), turns a proposal down.</summary>
    public async Task<RetentionResult> RejectAsync(ActorRef admin, string proposalId, CancellationToken cancellationToken)
    {
        await _deciding.WaitAsync(cancellationToken);
        try
        {
            var state = await StateAsync(cancellationToken);
            if (state.Proposal(proposalId) is not { } proposal || proposal.ExpiresAtUtc <= Now)
                return RetentionResult.Refused($"There is no pending proposal {proposalId}.");
            var (before, _) = BeforeAndAfter(state, proposal);
            await RecordAsync(admin, RetentionLedger.DecisionAttributes(RetentionLedger.Rejected, proposal, before, before), cancellationToken);
            return RetentionResult.Done(proposal.Id);
        }
        finally
        {
            _deciding.Release();
        }
    }

    /// <summary>Places a legal hold at once: it can only keep more content.</summary>
    public async Task<RetentionResult> PlaceHoldAsync(ActorRef admin, HoldScope scope, string reason, string owner, CancellationToken cancellationToken)
    {
        if (scope.IsEmpty) return RetentionResult.Refused("Say what the hold keeps: an actor, an application, a prompt or a time range.");
        if (scope is { FromUtc: { } from, ToUtc: { } to } && to <= from) return RetentionResult.Refused("The hold's range ends before it starts.");
        if (string.IsNullOrWhiteSpace(reason) || string.IsNullOrWhiteSpace(owner)) return RetentionResult.Refused("A hold needs a reason and an owner.");
        if (reason.Trim().Length > MaxText || owner.Trim().Length > MaxText) return RetentionResult.Refused($"A hold's reason and owner are at most {MaxText} characters each.");
        if (scope.Application?.Length > FieldLimits.Name || scope.Prompt?.Length > FieldLimits.Name)
            return RetentionResult.Refused($"An application or prompt name is at most {FieldLimits.Name} characters.");
        // The envelopes hold actor ids in their normalised form: a hold must name the same form, or it keeps nothing.
        if (scope.Actor is { } actor)
        {
            if (!ActorIds.TryNormalize(actor.Trim(), out var normalized, out var error)) return RetentionResult.Refused($"The hold's user id {error}.");
            scope = scope with { Actor = normalized };
        }
        var hold = new LegalHold(NewId("hold"), scope, reason.Trim(), owner.Trim(), admin.Id, Now, 0);
        await _deciding.WaitAsync(cancellationToken);
        try
        {
            await RecordAsync(admin, RetentionLedger.HoldAttributes(hold), cancellationToken);
            return RetentionResult.Done(hold.Id);
        }
        finally
        {
            _deciding.Release();
        }
    }

    private async Task<RetentionResult> DecideAsync(Func<RetentionState, (RetentionProposal? Proposal, string? Refusal)> decide, ActorRef admin,
        CancellationToken cancellationToken)
    {
        await _deciding.WaitAsync(cancellationToken);
        try
        {
            var state = await StateAsync(cancellationToken);
            var (proposal, refusal) = decide(state);
            if (proposal is null) return RetentionResult.Refused(refusal!);
            var (before, after) = BeforeAndAfter(state, proposal);
            await RecordAsync(admin, RetentionLedger.ProposalAttributes(proposal, before, after), cancellationToken);
            return RetentionResult.Done(proposal.Id);
        }
        finally
        {
            _deciding.Release();
        }
    }

    private static (string Before, string After) BeforeAndAfter(RetentionState state, RetentionProposal p) => p.Kind switch
    {
        ProposalKind.PolicyCreate => ("none", RetentionLedger.Describe(p.PolicyId!, p.Scope!, p.Days!.Value)),
        ProposalKind.PolicyChange => (RetentionLedger.Describe(state.Policy(p.PolicyId!)), RetentionLedger.Describe(p.PolicyId!, p.Scope!, p.Days!.Value)),
        ProposalKind.PolicyDelete => (RetentionLedger.Describe(state.Policy(p.PolicyId!)), "none"),
        ProposalKind.HoldRelease when state.Hold(p.HoldId!) is { } hold =>
            (RetentionLedger.Describe(hold), RetentionLedger.Describe(hold with { ReleasedAtUtc = DateTime.MinValue })),
        ProposalKind.Erasure => ("none", new JsonObject { ["reference"] = p.Reference, ["subject"] = p.Subject }.ToJsonString()),
        _ => ("none", "none"),
    };

    /// <summary>Free text an admin types (reasons, owners, references): kept short enough for an envelope attribute.</summary>
    private const int MaxText = 1000;

    private static string? ScopeRefusal(RetentionScope scope) =>
        scope.Type?.Length > FieldLimits.Type ? $"An event type is at most {FieldLimits.Type} characters."
        : scope.Application?.Length > FieldLimits.Name || scope.Model?.Length > FieldLimits.Name ? $"An application or model name is at most {FieldLimits.Name} characters."
        : null;

    private string? DaysRefusal(int days) =>
        days < LegalFloorDays ? $"A policy must keep content at least {LegalFloorDays} days (the legal floor, AuditPortal:Retention:LegalFloorDays)."
        : days > 36_500 ? "A policy keeps content at most 36500 days (100 years)."
        : null;

    private RetentionProposal NewProposal(ProposalKind kind, ActorRef admin) =>
        new(NewId("proposal"), kind, admin.Id, Now, 0, null, null, null, null, null, null);

    private Task RecordAsync(ActorRef admin, JsonObject attributes, CancellationToken cancellationToken) =>
        recorder.RecordAsync(new PortalEvent(LedgerEventTypes.ConfigChanged, admin, attributes) { SubmittedBy = PortalAccount.Recorder }, cancellationToken);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static string NewId(string kind) => $"{kind}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
}
