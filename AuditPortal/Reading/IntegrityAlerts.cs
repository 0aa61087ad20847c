namespace AuditPortal.Reading;

/// <summary>
/// Integrity alerts raised since the portal started: by reads, a row the database selected whose signed
/// envelope disagrees with it; by the text search indexer, a full partition that failed its check when
/// the portal came to seal it. Each is logged (Critical) and kept here, so /health/ready (the
/// "integrity" check) can show that the database was edited behind the ledger. Per instance and reset
/// on restart; <c>verify</c> is the durable answer.
/// </summary>
public sealed partial class IntegrityAlerts(ILogger<IntegrityAlerts> logger, TimeProvider time)
{
    private long _count;
    private IntegrityAlert? _latest;
    private string? _searchIndexRefusal;

    public long Count => Interlocked.Read(ref _count);

    public IntegrityAlert? Latest => Volatile.Read(ref _latest);

    /// <summary>Why the text search indexer refused to seal a partition, or null (the indexer logs it; sealing then stops).</summary>
    public string? SearchIndexRefusal => Volatile.Read(ref _searchIndexRefusal);

    public void RaiseSearchIndexRefusal(string problem) => Volatile.Write(ref _searchIndexRefusal, problem);

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
