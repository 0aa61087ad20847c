using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Decides, under the append lock and for each tombstone alone, whether an enforcement batch may still
/// purge what it claims: every content row it names must still be there (no other enforcer purged it
/// first, in an earlier transaction or earlier in this one), and the portal must have recorded no
/// configuration event since the pass read the retention state (a hold placed, a policy or erasure
/// confirmed). A refused tombstone is answered as a conflict to the enforcer, which starts its pass
/// again; the other requests of the same group commit are not touched. Before this rule the deletion
/// itself found the conflict and threw, which rolled back the whole group and logged an error.
/// </summary>
public sealed class RetentionAppendRule : IAppendRule
{
    public async Task<IAppendRuleScope> BeginAsync(LedgerDbContext db, IReadOnlyList<IncomingEvent> incoming, CancellationToken cancellationToken)
    {
        var claims = incoming.Select(e => e.Purge).OfType<PurgeClaim>().ToList();
        // Most transactions carry no tombstone: they cost nothing here.
        if (claims.Count == 0) return new PurgeScope([], []);
        var named = claims.SelectMany(c => c.Sequences).Distinct().ToList();
        var stored = await db.Contents.AsNoTracking().Where(c => named.Contains(c.Sequence)).Select(c => c.Sequence).ToListAsync(cancellationToken);
        var stale = new HashSet<long>();
        foreach (var readAt in claims.Select(c => c.StateReadAt).Distinct())
            if (await RetentionService.ChangedSinceAsync(db, readAt, cancellationToken)) stale.Add(readAt);
        return new PurgeScope([.. stored], stale);
    }

    /// <param name="stored">The named sequences whose content row existed when the transaction began.</param>
    /// <param name="stale">The state readings the portal recorded a configuration event after.</param>
    private sealed class PurgeScope(HashSet<long> stored, HashSet<long> stale) : IAppendRuleScope
    {
        /// <summary>Sequences purged by tombstones accepted earlier in this transaction.</summary>
        public HashSet<long> Claimed { get; } = [];

        /// <summary>A portal configuration event was accepted earlier in this transaction: later purges decide under an old state.</summary>
        public bool ConfigurationRecorded { get; set; }

        public bool StillStored(long sequence) => stored.Contains(sequence) && !Claimed.Contains(sequence);

        public bool Stale(long stateReadAt) => ConfigurationRecorded || stale.Contains(stateReadAt);

        public IAppendRuleStage Stage() => new PurgeStage(this);
    }

    private sealed class PurgeStage(PurgeScope scope) : IAppendRuleStage
    {
        private readonly HashSet<long> _claimed = [];
        private bool _configurationRecorded;

        public void Check(IncomingEvent incoming, FieldErrors invalid, FieldErrors conflicts)
        {
            var draft = incoming.Draft;
            if (draft.Type == LedgerEventTypes.ConfigChanged && draft.SubmittedBy.Id == PortalAccount.Recorder.Id) _configurationRecorded = true;
            if (incoming.Purge is not { } purge) return;
            if (_configurationRecorded || scope.Stale(purge.StateReadAt))
            {
                conflicts.Add(incoming.Path, "the retention state changed after the enforcement pass read it (a hold, policy or erasure step was recorded since)");
                return;
            }
            if (purge.Sequences.FirstOrDefault(s => !scope.StillStored(s) || _claimed.Contains(s), -1) is var gone and >= 0)
            {
                conflicts.Add(incoming.Path, $"the content of sequence {gone} is no longer stored: another enforcement run purged it first");
                return;
            }
            _claimed.UnionWith(purge.Sequences);
        }

        public void Commit(IReadOnlyDictionary<string, long> sequences)
        {
            scope.Claimed.UnionWith(_claimed);
            if (_configurationRecorded) scope.ConfigurationRecorded = true;
        }
    }
}
