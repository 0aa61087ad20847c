using AuditPortal.Features.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// Holds one person's export at its first progress report, on the exporter's own thread, until the
/// test releases it: the moment "the export is running" made to last as long as the test needs,
/// without a sleep or a race. The real exporter runs before and after.
/// </summary>
public sealed class HeldExport : IDisposable
{
    private readonly EvidenceJobs _jobs;
    private readonly string _exporterId;
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource<EvidenceJob> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldExport(EvidenceJobs jobs, string exporterId)
    {
        _jobs = jobs;
        _exporterId = exporterId;
        jobs.Changed += OnChanged;
    }

    /// <summary>The job as it was when held: running, with progress.</summary>
    public Task<EvidenceJob> Held => _held.Task.WaitAsync(TimeSpan.FromMinutes(1));

    public void Release() => _release.Set();

    private void OnChanged(EvidenceJob job)
    {
        if (job.ExporterId != _exporterId || job.Status != EvidenceJobStatus.Running || job.Progress is null) return;
        if (!_held.TrySetResult(job)) return;
        _release.Wait(TimeSpan.FromMinutes(2));
    }

    public void Dispose()
    {
        _jobs.Changed -= OnChanged;
        _release.Set();
    }
}

public static class EvidenceJobWaiting
{
    /// <summary>The job once it has finished (done, failed or cancelled).</summary>
    public static async Task<EvidenceJob> FinishedAsync(this EvidenceJobs jobs, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (jobs.Find(id) is { Finished: true } job) return job;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The export {id} did not finish within 2 minutes: {jobs.Find(id)}");
            await Task.Delay(50);
        }
    }
}
