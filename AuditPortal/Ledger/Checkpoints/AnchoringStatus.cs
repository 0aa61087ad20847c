namespace AuditPortal.Ledger.Checkpoints;

/// <summary>
/// Whether this instance can write checkpoints to the anchor directory. Anchoring failures do not
/// stop ingestion (the database still holds every checkpoint), so they must be visible elsewhere:
/// /health/ready reads this, and the publisher logs each change of state.
/// </summary>
public sealed class AnchoringStatus
{
    private readonly Lock _lock = new();
    private Failure? _failure;

    /// <summary>The current failure, or null while anchors are being written.</summary>
    public Failure? CurrentFailure
    {
        get { lock (_lock) return _failure; }
    }

    /// <summary>Records a failed write; returns true when this starts a failure (so the caller logs it once).</summary>
    internal bool Failed(DateTimeOffset at, long unanchoredCheckpoints, Exception error)
    {
        lock (_lock)
        {
            var starts = _failure is null;
            _failure = new Failure(_failure?.Since ?? at, unanchoredCheckpoints, error.GetType().Name);
            return starts;
        }
    }

    /// <summary>Records that every stored checkpoint is anchored; returns true when this ends a failure.</summary>
    internal bool Succeeded()
    {
        lock (_lock)
        {
            var ends = _failure is not null;
            _failure = null;
            return ends;
        }
    }

    /// <param name="Since">When writing anchors started failing.</param>
    /// <param name="UnanchoredCheckpoints">Stored checkpoints still waiting for their anchor file.</param>
    /// <param name="ErrorKind">The exception type only: the details (paths) go to the log, not to anonymous health probes.</param>
    public sealed record Failure(DateTimeOffset Since, long UnanchoredCheckpoints, string ErrorKind);
}
