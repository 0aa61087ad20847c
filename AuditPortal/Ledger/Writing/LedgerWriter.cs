using System.Threading.Channels;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Checkpoints;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger.Writing;

/// <summary>
/// The instance's single writer (group commit): concurrent requests queue here and are appended
/// together in one transaction under the database's append lock. A request's task completes only
/// after that transaction has committed, so an acknowledged event is durable. If a group fails, each
/// request is retried alone, so one bad request cannot sink its neighbours. What may be appended beyond
/// id reuse is decided by the registered <see cref="IAppendRule"/>s (the prompt lifecycle, for one).
/// </summary>
public sealed partial class LedgerWriter(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerAppender appender,
    IEnumerable<IAppendRule> rules,
    CheckpointSignal checkpoints,
    SearchIndexSignal searchIndex,
    AppendGate gate,
    ILogger<LedgerWriter> logger) : BackgroundService
{
    /// <summary>Upper bound of events per transaction, so one commit stays short.</summary>
    public const int MaxEventsPerTransaction = 5000;

    private readonly IReadOnlyList<IAppendRule> _rules = [.. rules];

    private readonly Channel<AppendRequest> _queue = Channel.CreateBounded<AppendRequest>(
        new BoundedChannelOptions(512) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Requests waiting for the next group commit (tests use it to line requests up in one group).</summary>
    internal int Queued => _queue.Reader.Count;

    public async Task<AppendOutcome> AppendAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
    {
        // Rendering happens here, on the caller's thread, so the single writer only fills in positions.
        var request = new AppendRequest(events, [.. events.Select(e => new PreparedEvent(e.Draft))]);
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new LedgerUnavailableException("The portal is shutting down; nothing was stored.", e);
        }
        // Once queued, the append goes ahead even if the caller leaves; a resend is answered idempotently.
        return await request.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(() => _queue.Writer.TryComplete());
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            // The group is taken after the turn begins, not before: requests that arrived while the
            // search indexer or the WAL checkpoint had the turn join this transaction instead of waiting
            // for the next one, so under load each commit, fsync and seal covers more events. Deliberately
            // no cancellation: a group that has its turn runs to commit or rollback.
            using var turn = await gate.EnterAsync(CancellationToken.None);
            var group = new List<AppendRequest>();
            var events = 0;
            while (events < MaxEventsPerTransaction && reader.TryRead(out var request))
            {
                group.Add(request);
                events += request.Events.Count;
            }
            await CommitGroupAsync(group);
        }
    }

    /// <summary>Commits the group, or on failure each request alone; the caller holds the append turn for all of it.</summary>
    private async Task CommitGroupAsync(List<AppendRequest> group)
    {
        try
        {
            await CommitAsync(group);
        }
        catch (Exception e) when (group.Count > 1)
        {
            LogGroupFailed(logger, e, group.Count);
            foreach (var request in group)
            {
                try { await CommitAsync([request]); }
                catch (Exception single) { Fail(request, single); }
            }
        }
        catch (Exception e)
        {
            Fail(group[0], e);
        }
    }

    private void Fail(AppendRequest request, Exception e)
    {
        LogAppendFailed(logger, e, request.Events.Count);
        request.Completion.TrySetException(new LedgerUnavailableException("The ledger could not store the events; nothing was stored.", e));
    }

    private async Task CommitAsync(IReadOnlyList<AppendRequest> group)
    {
        // Deliberately no cancellation: a transaction that has begun runs to commit or rollback.
        var ct = CancellationToken.None;
        await using var db = await factory.CreateDbContextAsync(ct);
        var results = new List<ApplyResult>(group.Count);
        var batch = await appender.AppendAsync(db, async batch =>
        {
            var incoming = group.SelectMany(r => r.Events).ToList();
            var recorded = await RecordedEvent.LoadAsync(db, incoming.Select(e => (e.Draft.SubmittedBy.Id, e.Draft.EventId)), ct);
            var scopes = new List<IAppendRuleScope>();
            foreach (var rule in _rules) scopes.Add(await rule.BeginAsync(db, incoming, ct));
            var pending = new Dictionary<(string SubmittedBy, string EventId), PendingEntry>();

            results.AddRange(group.Select(request => Apply(request, batch, recorded, pending, scopes)));

            foreach (var project in results.SelectMany(r => r.Projections)) await project(db, ct);
        }, ct);
        if (batch.Count > 0)
        {
            checkpoints.Appended(batch.NextSequence);
            searchIndex.Appended();
        }

        for (var i = 0; i < group.Count; i++) group[i].Completion.TrySetResult(results[i].Outcome());
    }

    private static ApplyResult Apply(AppendRequest request, AppendBatch batch, Dictionary<(string, string), RecordedEvent> recorded,
        Dictionary<(string, string), PendingEntry> pending, IReadOnlyList<IAppendRuleScope> scopes)
    {
        var invalid = new FieldErrors();
        var conflicts = new FieldErrors();
        var stages = scopes.Select(scope => scope.Stage()).ToList();
        var receipts = new Receipt?[request.Events.Count];

        for (var i = 0; i < request.Events.Count; i++)
        {
            var incoming = request.Events[i];
            // Ids are scoped to the submitting service account: only its own earlier events count.
            var key = (incoming.Draft.SubmittedBy.Id, incoming.Draft.EventId);
            var earlier = recorded.GetValueOrDefault(key) ?? (pending.TryGetValue(key, out var p) ? RecordedEvent.From(p) : null);
            if (earlier is not null)
            {
                // The message names no sequence or other data of the recorded event: the caller learns
                // only that its own id is taken.
                if (earlier.IsSameEvent(incoming.Draft, out var reason)) receipts[i] = earlier.Receipt(duplicate: true);
                else conflicts.Add($"{incoming.Path}.id", $"this service already recorded an event with this id {reason}; resend it unchanged or use a new id");
                continue;
            }
            foreach (var stage in stages) stage.Check(incoming, invalid, conflicts);
        }
        if (invalid.Any || conflicts.Any) return new ApplyResult(new Rejected(invalid, conflicts), receipts, [], []);

        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        var fresh = new List<(int Index, PendingEntry Entry)>();
        var projections = new List<Func<LedgerDbContext, CancellationToken, Task>>();
        for (var i = 0; i < request.Events.Count; i++)
        {
            if (receipts[i] is not null) continue;
            if (request.Events[i].Project is { } project) projections.Add(project);
            var entry = batch.Add(request.Prepared[i]);
            pending[(entry.Draft.SubmittedBy.Id, entry.EventId)] = entry;
            sequences[entry.EventId] = entry.Sequence;
            fresh.Add((i, entry));
        }
        foreach (var stage in stages) stage.Commit(sequences);
        return new ApplyResult(null, receipts, fresh, projections);
    }

    /// <summary>A request's outcome; receipts of new entries are filled in once the batch has rendered their leaf hashes.</summary>
    private sealed record ApplyResult(Rejected? Rejection, Receipt?[] Receipts, List<(int Index, PendingEntry Entry)> Fresh,
        List<Func<LedgerDbContext, CancellationToken, Task>> Projections)
    {
        public AppendOutcome Outcome()
        {
            if (Rejection is not null) return Rejection;
            foreach (var (index, entry) in Fresh) Receipts[index] = RecordedEvent.From(entry).Receipt(duplicate: false);
            return new Appended(Receipts!);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group commit of {Requests} requests failed; retrying each request alone")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int requests);

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Events} events failed; nothing was stored")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int events);

    private sealed class AppendRequest(IReadOnlyList<IncomingEvent> events, PreparedEvent[] prepared)
    {
        public IReadOnlyList<IncomingEvent> Events { get; } = events;
        public PreparedEvent[] Prepared { get; } = prepared;
        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

public sealed class LedgerUnavailableException(string message, Exception inner) : Exception(message, inner);
