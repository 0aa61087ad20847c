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
        var purges = new List<RetentionPurge>();
        // A hold placed, or a policy change confirmed, while the pass runs takes effect at once: the
        // batch that finds it rolls back and the pass starts again from the new state.
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

    /// <summary>A pass under the state read at <paramref name="logSize"/>; stops at the first batch that finds the state changed since.</summary>
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
                try
                {
                    await recorder.RecordAsync(new PortalEvent(RetentionLedger.AppliedType, PortalAccount.Recorder, attributes(batch.Purge))
                    {
                        EventId = id,
                        SubmittedBy = PortalAccount.Recorder,
                        Project = async (db, ct) =>
                        {
                            // Under the append lock: nothing can change the state between this check and the commit.
                            if (await RetentionService.ChangedSinceAsync(db, logSize, ct)) throw new RetentionChangedException();
                            await DeleteContentsAsync(db, batch.Purge, ct);
                        },
                    }, cancellationToken);
                    purged += batch.Purge.Count;
                    tombstones.Add(id);
                }
                catch (LedgerUnavailableException e) when (e.InnerException is PurgedElsewhereException)
                {
                    LogPurgedElsewhere(logger, authority, batch.Purge[0]);
                }
                catch (LedgerUnavailableException e) when (e.InnerException is RetentionChangedException)
                {
                    changed = true;
                    break;
                }
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
        if (deleted != list.Count) throw new PurgedElsewhereException();
    }

    /// <summary>A hold, policy or erasure step was recorded after the pass read the state: the batch must not go ahead under the old one.</summary>
    private sealed class RetentionChangedException() : Exception("The retention state changed during the pass.");

    /// <summary>Some rows of the batch were gone when its transaction ran: another instance purged them first.</summary>
    private sealed class PurgedElsewhereException() : Exception("Another instance purged part of this batch first.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purged the content of {Count} events under {Authority}; legal holds kept {Held}")]
    private static partial void LogPurged(ILogger logger, long count, string authority, long held);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention changed while enforcement ran (a hold, policy or erasure step); the pass starts again from the new state")]
    private static partial void LogRestarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A retention batch under {Authority} from sequence {First} was purged by another instance first")]
    private static partial void LogPurgedElsewhere(ILogger logger, string authority, long first);
}

/// <param name="Tombstones">The event ids of the tombstones this pass appended.</param>
public sealed record RetentionPurge(string Authority, long Purged, long Held, IReadOnlyList<string> Tombstones);
