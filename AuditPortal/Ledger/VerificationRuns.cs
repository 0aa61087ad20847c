using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger;

/// <summary>
/// "Run verification now": one background run of the same verifier as `verify` at a time, whose
/// state outlives the page that started it (an admin may navigate away and come back).
/// </summary>
public sealed partial class VerificationRuns(IDbContextFactory<LedgerDbContext> factory, LedgerLocation location, SigningKeyHolder keys,
    TimeProvider time, IHostApplicationLifetime lifetime, ILogger<VerificationRuns> logger)
{
    private readonly Lock _gate = new();

    public VerificationRun? Current { get; private set; }

    /// <summary>Raised when a run starts or ends; handlers must marshal to their own context.</summary>
    public event Action? Changed;

    /// <returns>The run in progress: a new one, or the one already running.</returns>
    public VerificationRun Start(string startedBy)
    {
        VerificationRun run;
        lock (_gate)
        {
            if (Current is { Finished: false } running) return running;
            run = new VerificationRun(startedBy, time.GetUtcNow());
            Current = run;
        }
        Changed?.Invoke();
        _ = Task.Run(() => RunAsync(run));
        return run;
    }

    private async Task RunAsync(VerificationRun run)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await using var db = await factory.CreateDbContextAsync(stopping);
            run.Total = await TreeReader.TreeSizeAsync(db, stopping);
            Changed?.Invoke();
            var verifier = new LedgerVerifier([keys.Signer.Verifier], new AnchorDirectory(location.AnchorDirectory), location.Origin);
            var progress = new InlineProgress(checkedSoFar =>
            {
                run.Checked = checkedSoFar;
                Changed?.Invoke();
            });
            run.Complete(await verifier.VerifyAsync(db, stopping, progress), null, time.GetUtcNow());
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            run.Complete(null, e is OperationCanceledException ? "The portal is stopping." : e.Message, time.GetUtcNow());
        }
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A verification run started from the dashboard could not complete")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    /// <summary>Reports on the verifier's own thread (Progress&lt;T&gt; would queue reports to the thread pool, out of order).</summary>
    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

public sealed class VerificationRun(string startedBy, DateTimeOffset startedAt)
{
    public string StartedBy { get; } = startedBy;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? FinishedAt { get; private set; }
    public VerificationResult? Result { get; private set; }
    /// <summary>Why the run could not check the ledger (not a finding about the ledger).</summary>
    public string? Error { get; private set; }
    public bool Finished => FinishedAt is not null;
    /// <summary>Entries in the ledger when the run began; null until it has looked.</summary>
    public long? Total { get; internal set; }
    /// <summary>Entries checked so far (the entry stage; the read models and the search index follow it).</summary>
    public long Checked { get; internal set; }

    internal void Complete(VerificationResult? result, string? error, DateTimeOffset at)
    {
        Result = result;
        Error = error;
        FinishedAt = at;
    }
}
