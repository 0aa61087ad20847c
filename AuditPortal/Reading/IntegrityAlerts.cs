namespace AuditPortal.Reading;

/// <summary>
/// Integrity alerts raised by reads since the portal started: a row the database selected whose signed
/// envelope disagrees with it. Each is logged (Critical) and counted here, so /health/ready (the
/// "integrity" check) and the integrity page can show that the database was edited behind the ledger.
/// The count is per instance and resets on restart; <c>verify</c> is the durable answer.
/// </summary>
public sealed partial class IntegrityAlerts(ILogger<IntegrityAlerts> logger, TimeProvider time)
{
    private long _count;
    private IntegrityAlert? _latest;

    public long Count => Interlocked.Read(ref _count);

    public IntegrityAlert? Latest => Volatile.Read(ref _latest);

    /// <param name="sequence">The entry whose envelope disagrees.</param>
    /// <param name="what">What disagrees, e.g. the filter "actor" or "envelope" (unreadable).</param>
    /// <param name="read">Which read found it, e.g. "events.query".</param>
    public void Raise(long sequence, string what, string read)
    {
        Interlocked.Increment(ref _count);
        Volatile.Write(ref _latest, new IntegrityAlert(sequence, what, read, time.GetUtcNow().UtcDateTime));
        LogMismatch(logger, sequence, what, read);
    }

    [LoggerMessage(Level = LogLevel.Critical, EventName = "IntegrityAlert",
        Message = "Integrity alert: entry {Sequence} was selected by {Read} but its signed envelope does not match \"{What}\"; " +
                  "the row was left out. A copy column was edited behind the ledger: run verify to name it.")]
    private static partial void LogMismatch(ILogger logger, long sequence, string what, string read);
}

public sealed record IntegrityAlert(long Sequence, string What, string Read, DateTime AtUtc);
