using AuditPortal.Data.Projections;

namespace AuditPortal.Data.Retention;

/// <summary>
/// Says whether a missing content row was purged legitimately: a tombstone the portal wrote after the
/// event covers it, and at the tombstone's point in the log the purge was allowed: the policy it
/// names was in force in that version and governed the event, whose content had outlived the
/// policy's days; or a confirmed erasure request named the event's actor; and no active legal hold
/// kept the event. Built from the retention events and tombstones of the ledger, in sequence order.
/// </summary>
public sealed class PurgeAuthority
{
    private readonly List<RetentionTombstone> _tombstones = [];
    private readonly Dictionary<long, RetentionState> _stateAt = [];
    private readonly Dictionary<string, long> _purgedBy = new(StringComparer.Ordinal);
    private readonly TombstoneIndex _index;

    /// <param name="events">The portal's config.changed and retention.applied events, in sequence order.</param>
    public PurgeAuthority(IEnumerable<ProjectedEvent> events)
    {
        var state = new RetentionState();
        // Consecutive tombstones (a pass writes one per 1,000 rows) share one copy of the state: a new
        // copy is made only after a retention event may have changed it.
        RetentionState? shared = null;
        foreach (var e in events)
        {
            if (RetentionTombstone.From(e) is { } tombstone)
            {
                _tombstones.Add(tombstone);
                _stateAt[tombstone.Sequence] = shared ??= state.Snapshot();
            }
            else
            {
                state.Apply(e);
                shared = null;
            }
        }
        _index = new TombstoneIndex(_tombstones);
    }

    public IReadOnlyList<RetentionTombstone> Tombstones => _tombstones;

    /// <summary>Events whose purge was explained, by what authorised it ("policy X", "erasure Y").</summary>
    public IReadOnlyDictionary<string, long> PurgedBy => _purgedBy;

    /// <summary>Null when the purge is explained (and counted); otherwise why it is not.</summary>
    public string? Unexplained(PurgedEventFacts e)
    {
        if (_index.Covering(e.Sequence) is not { } tombstone)
            return "content missing (no tombstone): the content row is gone and no retention tombstone covers it";
        var state = _stateAt[tombstone.Sequence];
        var where = $"the retention tombstone at {tombstone.Sequence} covers it, but";
        if (state.HoldsOn(e.ActorId, e.Application, e.PromptName, e.OccurredAtUtc).FirstOrDefault() is { } hold)
            return $"{where} legal hold {hold.Id} kept the event then (purged while on hold)";
        if (tombstone.PolicyId is { } policyId)
        {
            if (state.Policy(policyId) is not { } policy || policy.Version != tombstone.PolicyVersion || policy.Days != tombstone.Days)
                return $"{where} policy {policyId} was not in force in that version";
            if (state.PolicyFor(e.Type, e.Application, e.Model)?.Id != policyId)
                return $"{where} policy {policyId} did not govern this event";
            if (e.OccurredAtUtc > tombstone.AppliedAtUtc.AddDays(-policy.Days))
                return $"{where} the event was younger than the policy's {policy.Days} days";
        }
        else if (state.Erasures.FirstOrDefault(r => r.Id == tombstone.ErasureId) is not { } erasure || erasure.Subject != e.ActorId)
        {
            return $"{where} no confirmed erasure request named this event's actor";
        }
        _purgedBy[tombstone.Authority] = _purgedBy.GetValueOrDefault(tombstone.Authority) + 1;
        return null;
    }
}
