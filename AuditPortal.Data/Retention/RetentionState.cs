using System.Globalization;
using AuditPortal.Data.Projections;

namespace AuditPortal.Data.Retention;

/// <summary>
/// Retention as the ledger says it is: replayed, in sequence order, from the <c>config.changed</c>
/// events the portal itself submitted (<see cref="RetentionLedger"/>). Nothing here trusts a table a
/// database administrator can edit. A step the rules do not allow (a proposer confirming their own
/// change, a confirmation after the proposal lapsed, a decision on an unknown proposal) changes
/// nothing and is kept in <see cref="Ignored"/> with the reason, so that <c>verify</c> and the page
/// can show it.
/// </summary>
public sealed class RetentionState
{
    private readonly Dictionary<string, RetentionPolicy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LegalHold> _holds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetentionProposal> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ErasureRequest> _erasures = new(StringComparer.Ordinal);
    private readonly List<(long Sequence, string Reason)> _ignored = [];
    private IReadOnlyList<RetentionPolicy>? _byPrecedence;

    public IReadOnlyCollection<RetentionPolicy> Policies => _policies.Values;
    public IReadOnlyCollection<LegalHold> Holds => _holds.Values;
    public IReadOnlyCollection<ErasureRequest> Erasures => _erasures.Values;
    public IReadOnlyList<(long Sequence, string Reason)> Ignored => _ignored;

    /// <summary>The proposals still waiting for a second admin at <paramref name="nowUtc"/>.</summary>
    public IEnumerable<RetentionProposal> Pending(DateTime nowUtc) => _pending.Values.Where(p => p.ExpiresAtUtc > nowUtc);

    public RetentionProposal? Proposal(string id) => _pending.GetValueOrDefault(id);

    public RetentionPolicy? Policy(string id) => _policies.GetValueOrDefault(id);

    public LegalHold? Hold(string id) => _holds.GetValueOrDefault(id);

    /// <summary>
    /// The policy that governs an event: the most specific whose scope matches; between equally
    /// specific ones, the one that keeps content longest (the safe side of a tie).
    /// </summary>
    public RetentionPolicy? PolicyFor(string type, string? application, string? model) =>
        ByPrecedence.FirstOrDefault(p => p.Scope.Matches(type, application, model));

    /// <summary>
    /// The policies in the order <see cref="PolicyFor"/> tries them, sorted once per change of the
    /// policies rather than for every event (the enforcer and verify ask for each row).
    /// </summary>
    private IReadOnlyList<RetentionPolicy> ByPrecedence => _byPrecedence ??=
        [.. _policies.Values.OrderByDescending(p => p.Scope.Specificity).ThenByDescending(p => p.Days).ThenBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>The active holds that keep an event with these facts.</summary>
    public IEnumerable<LegalHold> HoldsOn(string actor, string? application, string? prompt, DateTime occurredAtUtc) =>
        _holds.Values.Where(h => h.Active && h.Scope.Matches(actor, application, prompt, occurredAtUtc));

    /// <summary>A copy that later events do not change.</summary>
    public RetentionState Snapshot()
    {
        var copy = new RetentionState();
        foreach (var (k, v) in _policies) copy._policies[k] = v;
        copy._byPrecedence = _byPrecedence;
        foreach (var (k, v) in _holds) copy._holds[k] = v;
        foreach (var (k, v) in _pending) copy._pending[k] = v;
        foreach (var (k, v) in _erasures) copy._erasures[k] = v;
        copy._ignored.AddRange(_ignored);
        return copy;
    }

    public static RetentionState Replay(IEnumerable<ProjectedEvent> events)
    {
        var state = new RetentionState();
        foreach (var e in events) state.Apply(e);
        return state;
    }

    /// <summary>Applies one event; anything that is not a retention step of the portal's own account is left alone.</summary>
    public void Apply(ProjectedEvent e)
    {
        if (e.Type != LedgerEventTypes.ConfigChanged || e.SubmittedBy != PortalAccount.Recorder) return;
        switch (e.Attributes.GetValueOrDefault("change"))
        {
            case RetentionLedger.Proposed:
                Propose(e);
                break;
            case RetentionLedger.Confirmed:
                Decide(e, confirm: true);
                break;
            case RetentionLedger.Rejected:
                Decide(e, confirm: false);
                break;
            case RetentionLedger.HoldPlaced:
                PlaceHold(e);
                break;
        }
    }

    private void Propose(ProjectedEvent e)
    {
        string? Get(string key) => e.Attributes.GetValueOrDefault(key);
        if (Get("proposal") is not { } id || RetentionLedger.ParseKind(Get("kind")) is not { } kind) { Ignore(e, "a proposal without an id or a known kind"); return; }
        if (_pending.ContainsKey(id)) { Ignore(e, $"proposal {id} was already made"); return; }
        int? days = int.TryParse(Get("days"), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        var scope = new RetentionScope(Get("scope.type"), Get("scope.application"), Get("scope.model"));
        _pending[id] = new RetentionProposal(id, kind, e.ActorId, e.OccurredAtUtc, e.Sequence, Get("policy"),
            kind is ProposalKind.PolicyCreate or ProposalKind.PolicyChange ? scope : null, days, Get("hold"), Get("subject"), Get("reference"));
    }

    private void Decide(ProjectedEvent e, bool confirm)
    {
        if (e.Attributes.GetValueOrDefault("proposal") is not { } id || !_pending.TryGetValue(id, out var proposal))
        {
            Ignore(e, "a decision on a proposal that is not pending");
            return;
        }
        if (e.OccurredAtUtc >= proposal.ExpiresAtUtc)
        {
            Ignore(e, $"proposal {id} had lapsed on {proposal.ExpiresAtUtc:O}");
            return;
        }
        if (!confirm)
        {
            _pending.Remove(id);
            return;
        }
        if (e.ActorId == proposal.ProposedBy)
        {
            Ignore(e, $"{e.ActorId} confirmed their own proposal {id}; a second admin must");
            return;
        }
        _pending.Remove(id);
        _byPrecedence = null;
        switch (proposal.Kind)
        {
            case ProposalKind.PolicyCreate or ProposalKind.PolicyChange when proposal is { PolicyId: { } policy, Scope: { } scope, Days: { } days }:
                _policies[policy] = new RetentionPolicy(policy, scope, days, e.Sequence, proposal.ProposedBy, e.ActorId, e.OccurredAtUtc);
                break;
            case ProposalKind.PolicyDelete when proposal.PolicyId is { } policy:
                _policies.Remove(policy);
                break;
            case ProposalKind.HoldRelease when proposal.HoldId is { } hold && _holds.TryGetValue(hold, out var held):
                _holds[hold] = held with { ReleasedAtUtc = e.OccurredAtUtc };
                break;
            case ProposalKind.Erasure when proposal is { Subject: { } subject }:
                _erasures[id] = new ErasureRequest(id, subject, proposal.Reference ?? "", proposal.ProposedBy, e.ActorId, e.OccurredAtUtc, e.Sequence);
                break;
            default:
                Ignore(e, $"proposal {id} cannot take effect (incomplete, or names nothing that exists)");
                break;
        }
    }

    private void PlaceHold(ProjectedEvent e)
    {
        string? Get(string key) => e.Attributes.GetValueOrDefault(key);
        static DateTime? Time(string? text) =>
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        var scope = new HoldScope(Get("scope.actor"), Get("scope.application"), Get("scope.prompt"), Time(Get("scope.from")), Time(Get("scope.to")));
        if (Get("hold") is not { } id || scope.IsEmpty || _holds.ContainsKey(id)) { Ignore(e, "a hold without an id or a scope, or placed twice"); return; }
        _holds[id] = new LegalHold(id, scope, Get("reason") ?? "", Get("owner") ?? "", e.ActorId, e.OccurredAtUtc, e.Sequence);
    }

    private void Ignore(ProjectedEvent e, string reason) => _ignored.Add((e.Sequence, reason));
}
