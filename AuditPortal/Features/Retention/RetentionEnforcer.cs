using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Purges the content and salt of events whose policy's days have passed, or whose actor a confirmed
/// erasure request names, unless a legal hold keeps them; envelopes stay. Each batch is one
/// <c>retention.applied</c> tombstone appended through the writer, and the rows are deleted inside
/// that append's transaction: both commit or neither does, and the append lock (a database lock on
/// every provider) serialises instances. A batch whose rows another instance purged first deletes
/// fewer rows than it names, so it rolls back and this run moves on. Bounded batches let client
/// appends take turns with it.
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
        var state = await retention.StateAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var purges = new List<RetentionPurge>();
        foreach (var policy in state.Policies.OrderBy(p => p.Id, StringComparer.Ordinal))
            purges.Add(await PurgeAsync($"policy {policy.Id}",
                after => candidates.NextAsync(state, policy, now, after, BatchSize, cancellationToken),
                batch => RetentionTombstone.PolicyAttributes(policy, batch), cancellationToken));
        foreach (var erasure in state.Erasures.OrderBy(e => e.Id, StringComparer.Ordinal))
            purges.Add(await PurgeAsync($"erasure {erasure.Id}",
                after => candidates.NextAsync(state, erasure, after, BatchSize, cancellationToken),
                batch => RetentionTombstone.ErasureAttributes(erasure, batch), cancellationToken));
        return purges;
    }

    private async Task<RetentionPurge> PurgeAsync(string authority, Func<long, Task<CandidateBatch>> next,
        Func<IReadOnlyList<long>, System.Text.Json.Nodes.JsonObject> attributes, CancellationToken cancellationToken)
    {
        var purged = 0L;
        var held = 0L;
        var tombstones = new List<string>();
        var after = -1L;
        while (true)
        {
            var batch = await next(after);
            held += batch.Held;
            if (batch.Purge.Count > 0)
            {
                var id = $"{RetentionLedger.AppliedType}-{Guid.CreateVersion7()}";
                try
                {
                    await recorder.RecordAsync(new PortalEvent(RetentionLedger.AppliedType, PortalAccount.Recorder, attributes(batch.Purge))
                    {
                        EventId = id,
                        SubmittedBy = PortalAccount.Recorder,
                        Project = (db, ct) => DeleteContentsAsync(db, batch.Purge, ct),
                    }, cancellationToken);
                    purged += batch.Purge.Count;
                    tombstones.Add(id);
                }
                catch (LedgerUnavailableException e) when (e.InnerException is PurgedElsewhereException)
                {
                    LogPurgedElsewhere(logger, authority, batch.Purge[0]);
                }
            }
            if (batch.Done) break;
            after = batch.Position;
        }
        if (purged > 0) LogPurged(logger, purged, authority, held);
        return new RetentionPurge(authority, purged, held, tombstones);
    }

    private static async Task DeleteContentsAsync(LedgerDbContext db, IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        var list = sequences.ToList();
        var deleted = await db.Contents.Where(c => list.Contains(c.Sequence)).ExecuteDeleteAsync(cancellationToken);
        if (deleted != list.Count) throw new PurgedElsewhereException();
    }

    /// <summary>Some rows of the batch were gone when its transaction ran: another instance purged them first.</summary>
    private sealed class PurgedElsewhereException() : Exception("Another instance purged part of this batch first.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purged the content of {Count} events under {Authority}; legal holds kept {Held}")]
    private static partial void LogPurged(ILogger logger, long count, string authority, long held);

    [LoggerMessage(Level = LogLevel.Information, Message = "A retention batch under {Authority} from sequence {First} was purged by another instance first")]
    private static partial void LogPurgedElsewhere(ILogger logger, string authority, long first);
}

/// <param name="Tombstones">The event ids of the tombstones this pass appended.</param>
public sealed record RetentionPurge(string Authority, long Purged, long Held, IReadOnlyList<string> Tombstones);
