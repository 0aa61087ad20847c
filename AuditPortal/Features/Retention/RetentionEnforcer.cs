using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;
using AuditPortal.Ledger.Writing;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Purges the content and salt of events whose policy's days have passed, or whose actor a confirmed
/// erasure request names, unless a legal hold keeps them; envelopes stay. Each batch is one
/// <c>retention.applied</c> tombstone appended through the writer, and the rows are deleted inside
/// that append's transaction: both commit or neither does, and the append lock (a database lock on
/// every provider) serialises instances. Under that lock <see cref="RetentionAppendRule"/> refuses a
/// tombstone whose purge is no longer valid (another instance purged part of the batch first, or the
/// retention state changed since the pass read it), that tombstone alone, and the pass starts again
/// from the new state. Bounded batches let client appends take turns with it.
/// </summary>
public sealed partial class RetentionEnforcer(
    RetentionService retention,
    RetentionCandidates candidates,
    PortalEventRecorder recorder,
    TimeProvider time,
    ILogger<RetentionEnforcer> logger)
{
    public const int BatchSize = 1_000;

    /// <summary>One pass over every policy and erasure request; returns what each purged.</summary>
    public async Task<IReadOnlyList<RetentionPurge>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var purges = new List<RetentionPurge>();
        // A hold placed, or a policy change confirmed, while the pass runs takes effect at once, and a
        // batch another instance purged first is not purged twice: the writer refuses that batch's
        // tombstone and the pass starts again from the new state.
        for (var attempt = 0; attempt < MaxRestarts; attempt++)
        {
            var (state, logSize) = await retention.StateAtAsync(cancellationToken);
            var (done, restart) = await RunAsync(state, logSize, cancellationToken);
            purges.AddRange(done);
            if (!restart) break;
            LogRestarted(logger);
        }
        return purges;
    }

    private const int MaxRestarts = 3;

    /// <summary>A pass under the state read at <paramref name="logSize"/>; stops at the first batch the writer refuses because the state (or what is purged) changed since.</summary>
    internal async Task<(IReadOnlyList<RetentionPurge> Purges, bool StateChanged)> RunAsync(RetentionState state, long logSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var purges = new List<RetentionPurge>();
        var passes = state.Policies.OrderBy(p => p.Id, StringComparer.Ordinal).Select(policy => (
                Authority: $"policy {policy.Id}",
                Next: (Func<long, Task<CandidateBatch>>)(after => candidates.NextAsync(state, policy, now, after, BatchSize, cancellationToken)),
                Attributes: (Func<IReadOnlyList<long>, JsonObject>)(batch => RetentionTombstone.PolicyAttributes(policy, batch))))
            .Concat(state.Erasures.OrderBy(e => e.Id, StringComparer.Ordinal).Select(erasure => (
                Authority: $"erasure {erasure.Id}",
                Next: (Func<long, Task<CandidateBatch>>)(after => candidates.NextAsync(state, erasure, after, BatchSize, cancellationToken)),
                Attributes: (Func<IReadOnlyList<long>, JsonObject>)(batch => RetentionTombstone.ErasureAttributes(erasure, batch)))));
        foreach (var (authority, next, attributes) in passes)
        {
            var (purge, changed) = await PurgeAsync(authority, logSize, next, attributes, cancellationToken);
            purges.Add(purge);
            if (changed) return (purges, true);
        }
        return (purges, false);
    }

    private async Task<(RetentionPurge Purge, bool StateChanged)> PurgeAsync(string authority, long logSize, Func<long, Task<CandidateBatch>> next,
        Func<IReadOnlyList<long>, JsonObject> attributes, CancellationToken cancellationToken)
    {
        var purged = 0L;
        var held = 0L;
        var tombstones = new List<string>();
        var after = -1L;
        var changed = false;
        while (true)
        {
            var batch = await next(after);
            held += batch.Held;
            if (batch.Purge.Count > 0)
            {
                var id = $"{RetentionLedger.AppliedType}-{Guid.CreateVersion7()}";
                var outcome = await recorder.TryRecordAsync(new PortalEvent(RetentionLedger.AppliedType, PortalAccount.Recorder, attributes(batch.Purge))
                {
                    EventId = id,
                    SubmittedBy = PortalAccount.Recorder,
                    // RetentionAppendRule refuses the tombstone, alone, when the purge is no longer valid.
                    Purge = new PurgeClaim(batch.Purge, logSize),
                    Project = (db, ct) => DeleteContentsAsync(db, batch.Purge, ct),
                }, cancellationToken);
                if (outcome is Rejected refused)
                {
                    LogBatchRefused(logger, authority, batch.Purge[0], string.Join("; ", refused.Conflicts.ToDictionary().Values.SelectMany(m => m)));
                    changed = true;
                    break;
                }
                purged += batch.Purge.Count;
                tombstones.Add(id);
            }
            if (batch.Done) break;
            after = batch.Position;
        }
        if (purged > 0) LogPurged(logger, purged, authority, held);
        return (new RetentionPurge(authority, purged, held, tombstones), changed);
    }

    private static async Task DeleteContentsAsync(LedgerDbContext db, IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        var list = sequences.ToList();
        var deleted = await db.Contents.Where(c => list.Contains(c.Sequence)).ExecuteDeleteAsync(cancellationToken);
        // RetentionAppendRule found every row stored, in this transaction under the append lock; a
        // tombstone must never name more than it deleted, so anything else stops the transaction.
        if (deleted != list.Count) throw new InvalidOperationException($"A retention batch deleted {deleted} of the {list.Count} content rows it names.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purged the content of {Count} events under {Authority}; legal holds kept {Held}")]
    private static partial void LogPurged(ILogger logger, long count, string authority, long held);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention changed while enforcement ran (a hold, policy or erasure step); the pass starts again from the new state")]
    private static partial void LogRestarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A retention batch under {Authority} from sequence {First} was refused ({Reason}); the pass starts again from the new state")]
    private static partial void LogBatchRefused(ILogger logger, string authority, long first, string reason);
}

/// <param name="Tombstones">The event ids of the tombstones this pass appended.</param>
public sealed record RetentionPurge(string Authority, long Purged, long Held, IReadOnlyList<string> Tombstones);
