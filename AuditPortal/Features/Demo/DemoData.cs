using AuditPortal.Data.Ledger;
using AuditPortal.EventBatches;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Demo;

/// <summary>
/// Loads a <see cref="DemoHistory"/> into the ledger. It goes through the same parser and writer as
/// real traffic, so the demo can never hold an invalid event, and several batches are in flight at
/// once so the writer commits them in groups, as it does under real load.
/// </summary>
public sealed class DemoData(EventBatchParser parser, LedgerWriter writer, IDbContextFactory<LedgerDbContext> factory, TimeProvider time)
{
    private const int BatchesInFlight = 8;

    /// <param name="onlyIntoEmptyLedger">Load nothing unless the ledger is empty (the first run in Development).</param>
    /// <param name="progress">Told the running total after each batch is stored.</param>
    /// <returns>How many events were appended; 0 when nothing was loaded.</returns>
    /// <exception cref="DemoAlreadyLoadedException">The ledger already holds demo events (their prompt histories cannot be told twice).</exception>
    public async Task<int> SeedAsync(SeedDemoOptions options, CancellationToken cancellationToken, bool onlyIntoEmptyLedger = false, IProgress<int>? progress = null)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (onlyIntoEmptyLedger && await db.Entries.AnyAsync(cancellationToken)) return 0;
            if (await db.Entries.AnyAsync(e => e.EventId.StartsWith(DemoHistory.IdPrefix), cancellationToken))
                throw new DemoAlreadyLoadedException();
        }

        var inFlight = new Queue<(Task<AppendOutcome> Append, int Count)>();
        var appended = 0;
        async Task CompleteOldestAsync()
        {
            var (append, count) = inFlight.Dequeue();
            var outcome = await append;
            if (outcome is not Appended) throw new InvalidOperationException($"The demo data was refused: {outcome}");
            appended += count;
            progress?.Report(appended);
        }

        foreach (var batch in new DemoHistory(options, time.GetUtcNow()).Batches())
        {
            var parsed = parser.Parse(batch.Body, new ActorRef(batch.Submitter, ActorKinds.Service));
            if (!parsed.IsValid)
                throw new InvalidOperationException("The demo data is invalid: " + string.Join("; ",
                    parsed.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            // Started in order, so the writer's queue keeps each publication ahead of the calls that name it.
            inFlight.Enqueue((writer.AppendAsync(parsed.Events, cancellationToken), batch.Count));
            if (inFlight.Count == BatchesInFlight) await CompleteOldestAsync();
        }
        while (inFlight.Count > 0) await CompleteOldestAsync();
        return appended;
    }
}

public sealed class DemoAlreadyLoadedException()
    : Exception("The demo data is already loaded into this ledger. To generate another history, point the portal at an empty database, e.g. --AuditPortal:Database:ConnectionString=\"Data Source=data/demo-large.db\".");
