using System.Collections.Concurrent;
using System.Threading.Channels;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// The dashboard's background exports: one pack at a time per portal instance, taken from a bounded
/// queue, written by <see cref="EvidenceExporter"/> (which records the export as an access event in the
/// exporter's name). A job's state outlives the page and the circuit that started it, and its record
/// under <c>Evidence:Directory</c> outlives the process: an export the portal was running when it
/// stopped is shown as failed. A failed or cancelled export leaves no pack. Packs and records older
/// than <c>Evidence:KeepDays</c> are deleted by a sweep at start-up and every hour.
/// </summary>
public sealed partial class EvidenceJobs(EvidenceJobStore store, EvidenceJobsLocation location, IServiceScopeFactory scopes,
    TimeProvider time, ILogger<EvidenceJobs> logger) : BackgroundService
{
    public const string Interrupted = "The portal stopped during the export; start it again.";
    public const string NotStarted = "The portal stopped before the export started; start it again.";

    /// <summary>How many exports may wait behind the running one, across everyone.</summary>
    public const int QueueCapacity = 16;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);
    // Progress is reported per chunk of rows; pages need a few updates a second, not one per chunk.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, EvidenceJob> _jobs = new();
    // The filters of jobs not yet run (the record keeps their description, not the query).
    private readonly ConcurrentDictionary<string, EvidenceRequest> _requests = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private readonly Lock _gate = new();
    private DateTimeOffset _lastProgress;

    /// <summary>Raised with the job that changed, on whichever thread changed it; handlers marshal to their own context.</summary>
    public event Action<EvidenceJob>? Changed;

    /// <summary>Queues a pack of <paramref name="request"/> for <paramref name="exporter"/>.</summary>
    /// <exception cref="EvidenceJobRefusedException">The exporter has an export queued or running, or the queue is full.</exception>
    public EvidenceJob Start(EvidenceRequest request, ActorRef exporter)
    {
        EvidenceJob job;
        lock (_gate)
        {
            // One at a time per person: a second click would only queue the same work again.
            if (_jobs.Values.FirstOrDefault(j => !j.Finished && j.ExporterId == exporter.Id) is { } active)
                throw new EvidenceJobRefusedException(active.Status == EvidenceJobStatus.Queued
                    ? "You already have an export waiting to start; cancel it or wait for it to finish."
                    : "You already have an export running; cancel it or wait for it to finish.");
            job = new EvidenceJob
            {
                Id = EvidenceJobStore.NewId(),
                ExporterId = exporter.Id,
                ExporterKind = exporter.Kind,
                Filters = Describe(request),
                IncludeContent = request.IncludeContent,
                CreatedAt = time.GetUtcNow(),
            };
            try
            {
                // Again here: an operator may have removed the folder since start-up.
                store.CreateFolder();
                store.Save(job);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new EvidenceJobRefusedException($"The export cannot be recorded in {store.Directory} ({e.Message}); tell an administrator (Evidence:Directory).");
            }
            _requests[job.Id] = request;
            _jobs[job.Id] = job;
            if (!_queue.Writer.TryWrite(job.Id))
            {
                _requests.TryRemove(job.Id, out _);
                _jobs.TryRemove(job.Id, out _);
                store.Delete(job.Id);
                throw new EvidenceJobRefusedException($"{QueueCapacity} exports are already waiting; try again when one has finished.");
            }
        }
        Changed?.Invoke(job);
        return job;
    }

    public EvidenceJob? Find(string id) => _jobs.TryGetValue(id, out var job) ? job : null;

    /// <summary>The newest jobs first: one person's, or everyone's (for an Admin) when <paramref name="exporterId"/> is null.</summary>
    public IReadOnlyList<EvidenceJob> Recent(string? exporterId, int max = 20) =>
        [.. _jobs.Values.Where(j => exporterId is null || j.ExporterId == exporterId).OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Take(max)];

    /// <summary>The finished pack of a job, or null when there is none (not done, or swept).</summary>
    public string? PackOf(EvidenceJob job) => job.Status == EvidenceJobStatus.Done ? store.ExistingPack(job) : null;

    /// <summary>
    /// Stops a job: a queued one at once, a running one at the exporter's next check (its pack is not
    /// kept). Callers decide who may: the exporter or an Admin.
    /// </summary>
    /// <returns>False when the job is unknown or already finished.</returns>
    public bool Cancel(string id, string cancelledBy)
    {
        EvidenceJob changed;
        CancellationTokenSource? running = null;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var job) || job.Finished) return false;
            if (job.Status == EvidenceJobStatus.Queued)
            {
                _requests.TryRemove(id, out _);
                changed = Finish(job with { Reason = $"Cancelled by {cancelledBy} before it started." }, EvidenceJobStatus.Cancelled);
            }
            else
            {
                changed = _jobs[id] = job with { CancelRequestedBy = cancelledBy };
                _running.TryGetValue(id, out running);
            }
        }
        // Outside the gate: cancellation runs the exporter's callbacks on this thread.
        try
        {
            running?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished in the meantime.
        }
        Changed?.Invoke(changed);
        return true;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before anything is served, so the first page already lists the jobs of earlier runs.
        store.CreateFolder();
        foreach (var job in store.LoadAll((path, e) => LogUnreadable(logger, path, e)))
        {
            var loaded = job;
            if (!job.Finished)
            {
                // It was queued or running in a process that is gone: whatever it wrote is not a pack.
                store.DeletePack(job.Id);
                loaded = job with
                {
                    Status = EvidenceJobStatus.Failed,
                    Reason = job.Status == EvidenceJobStatus.Queued ? NotStarted : Interrupted,
                    FinishedAt = time.GetUtcNow(),
                    Progress = null,
                };
                store.Save(loaded);
            }
            _jobs[loaded.Id] = loaded;
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeping = SweepPeriodicallyAsync(stoppingToken);
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(id, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await sweeping;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Still queued: they will not run in this process. (The running one has recorded its own end.)
        foreach (var job in _jobs.Values.Where(j => j.Status == EvidenceJobStatus.Queued))
        {
            lock (_gate) Finish(job with { Reason = NotStarted }, EvidenceJobStatus.Failed);
        }
    }

    private async Task RunAsync(string id, CancellationToken stopping)
    {
        EvidenceJob job;
        EvidenceRequest? request;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_gate)
        {
            // Cancelled while it waited.
            if (!_requests.TryRemove(id, out request) || !_jobs.TryGetValue(id, out var queued) || queued.Finished) return;
            job = queued with { Status = EvidenceJobStatus.Running, StartedAt = time.GetUtcNow() };
            store.Save(job);
            _jobs[id] = job;
            _running[id] = cancellation;
        }
        Changed?.Invoke(job);

        EvidenceJob finished;
        try
        {
            var path = store.PackPath(job);
            await using var scope = scopes.CreateAsyncScope();
            var exporter = scope.ServiceProvider.GetRequiredService<EvidenceExporter>();
            var progress = new InlineProgress(p => Report(id, p));
            var result = await exporter.ExportAsync(request, new ActorRef(job.ExporterId, job.ExporterKind), "dashboard", path, progress, cancellation.Token);
            lock (_gate) finished = Finish(_jobs[id] with { Result = result }, EvidenceJobStatus.Done);
        }
        catch (Exception e)
        {
            // The exporter leaves nothing behind on failure; this makes sure of it, whatever failed.
            TryDeletePack(id);
            lock (_gate)
            {
                var current = _jobs[id];
                finished = e switch
                {
                    OperationCanceledException when stopping.IsCancellationRequested =>
                        Finish(current with { Reason = Interrupted }, EvidenceJobStatus.Failed),
                    OperationCanceledException when current.CancelRequestedBy is { } by =>
                        Finish(current with { Reason = $"Cancelled by {by}." }, EvidenceJobStatus.Cancelled),
                    _ => Finish(current with { Reason = e.Message }, EvidenceJobStatus.Failed),
                };
            }
            if (finished.Status == EvidenceJobStatus.Failed) LogFailed(logger, id, job.ExporterId, e);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
        Changed?.Invoke(finished);
    }

    private void Report(string id, EvidenceProgress progress)
    {
        EvidenceJob job;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var current) || current.Finished) return;
            job = _jobs[id] = current with { Progress = progress };
            var now = time.GetUtcNow();
            // The first report and the last of a phase always go out; the rest a few times a second.
            var first = current.Progress is null || current.Progress.Phase != progress.Phase || progress.RowsWritten >= progress.TotalRows;
            if (!first && now - _lastProgress < ProgressInterval) return;
            _lastProgress = now;
        }
        Changed?.Invoke(job);
    }

    /// <summary>Records a job's end (under the gate) in its record, then in memory: whoever sees it finished finds the record written.</summary>
    private EvidenceJob Finish(EvidenceJob job, EvidenceJobStatus status)
    {
        var finished = job with { Status = status, FinishedAt = time.GetUtcNow() };
        try
        {
            store.Save(finished);
        }
        catch (IOException e)
        {
            // The page still shows the end; after a restart the record would say it was interrupted.
            LogRecordNotSaved(logger, job.Id, e);
        }
        _jobs[job.Id] = finished;
        return finished;
    }

    private void TryDeletePack(string id)
    {
        try
        {
            store.DeletePack(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRecordNotSaved(logger, id, e);
        }
    }

    private async Task SweepPeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        do
        {
            try
            {
                Sweep(time.GetUtcNow());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Deletes the packs and records of finished jobs older than the keeping period, as of <paramref name="now"/>.</summary>
    /// <returns>How many jobs were removed.</returns>
    internal int Sweep(DateTimeOffset now)
    {
        var cutoff = now - location.Keep;
        List<EvidenceJob> expired;
        HashSet<string> kept;
        lock (_gate)
        {
            expired = [.. _jobs.Values.Where(j => j.Finished && (j.FinishedAt ?? j.CreatedAt) < cutoff)];
            foreach (var job in expired) _jobs.TryRemove(job.Id, out _);
            kept = [.. _jobs.Keys];
        }
        foreach (var job in expired)
        {
            store.Delete(job.Id);
            Changed?.Invoke(job);
        }
        store.DeleteStrays(kept, cutoff);
        if (expired.Count > 0) LogSwept(logger, expired.Count, location.Keep.TotalDays);
        return expired.Count;
    }

    /// <summary>The filters as query names and values, from the same description the access event records.</summary>
    private static Dictionary<string, string> Describe(EvidenceRequest request) =>
        request.Filters.Describe().Where(d => d.Key.StartsWith("filter.", StringComparison.Ordinal))
            .ToDictionary(d => d.Key["filter.".Length..], d => d.Value, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Error, Message = "The evidence export {JobId} for {Exporter} failed")]
    private static partial void LogFailed(ILogger logger, string jobId, string exporter, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The evidence job record {Path} cannot be read and is ignored")]
    private static partial void LogUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A file of the evidence job {JobId} could not be written or deleted")]
    private static partial void LogRecordNotSaved(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep of old evidence packs failed; it is tried again in an hour")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} evidence packs older than {Days} days")]
    private static partial void LogSwept(ILogger logger, int count, double days);

    /// <summary>Reports on the exporter's own thread (Progress&lt;T&gt; would post reports to the thread pool, out of order).</summary>
    private sealed class InlineProgress(Action<EvidenceProgress> report) : IProgress<EvidenceProgress>
    {
        public void Report(EvidenceProgress value) => report(value);
    }
}

/// <summary>An export that was not queued, with the reason to show the person who asked.</summary>
public sealed class EvidenceJobRefusedException(string message) : Exception(message);
