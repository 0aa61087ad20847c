using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Overview;

/// <summary>
/// Events per day over the last <see cref="Days"/> days, by type, model, application and actor, for
/// the overview. Counted once from the copy columns (which <c>verify</c> checks against the signed
/// envelopes), kept in memory, and brought up to date from only the entries appended since the
/// previous read, so a page view at a million events costs one look-up past the last sequence seen.
/// </summary>
public sealed class ActivityStatistics(IDbContextFactory<LedgerDbContext> factory, TimeProvider time) : IDisposable
{
    public const int Days = 30;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<ActivityKey, long> _counts = [];
    private long _lastSequence = -1;

    public async Task<ActivityReport> ReadAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - Days);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await CatchUpAsync(first, cancellationToken);
            foreach (var stale in _counts.Keys.Where(k => k.Day < first).ToList()) _counts.Remove(stale);
            return ActivityReport.From(first, today, _counts);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads the entries up to the current head that it has not counted yet: on the first read the
    /// whole window through the occurred_at index, later only those after the last head (appends
    /// commit in sequence order, so every entry up to a head read is there). An entry dated before
    /// the window is skipped; a late event counts on its own day, if that day is shown.
    /// </summary>
    private async Task CatchUpAsync(DateOnly first, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.Entries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? -1;
        if (head <= _lastSequence) return;

        var from = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var after = _lastSequence;
        var rows = db.Entries.AsNoTracking()
            .Where(e => e.Sequence > after && e.Sequence <= head && e.OccurredAt >= from)
            .Select(e => new { e.OccurredAt, e.Type, e.Model, e.Application, e.ActorId })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var day = DateOnly.FromDateTime(row.OccurredAt);
            Count(new ActivityKey(day, ActivityDimension.Type, row.Type));
            if (row.Model is not null) Count(new ActivityKey(day, ActivityDimension.Model, row.Model));
            if (row.Application is not null) Count(new ActivityKey(day, ActivityDimension.Application, row.Application));
            // People's use of the applications, not reviewers' own reads of the ledger.
            if (row.Type != EventTypes.Access) Count(new ActivityKey(day, ActivityDimension.Actor, row.ActorId));
        }
        _lastSequence = head;
    }

    private void Count(ActivityKey key) => _counts[key] = _counts.GetValueOrDefault(key) + 1;

    public void Dispose() => _gate.Dispose();
}

public enum ActivityDimension { Type, Model, Application, Actor }

public readonly record struct ActivityKey(DateOnly Day, ActivityDimension Dimension, string Value);
