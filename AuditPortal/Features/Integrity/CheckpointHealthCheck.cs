using AuditPortal.Configuration;
using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Integrity;

/// <summary>
/// Reports the latest checkpoint's age, and Degraded when entries have waited for a checkpoint much
/// longer than Checkpoints:Interval (publication failing on every instance). An old checkpoint on a
/// log that did not grow is fine: checkpoints are issued only when the log grew.
/// </summary>
public sealed class CheckpointHealthCheck(IDbContextFactory<LedgerDbContext> factory, IOptions<PortalOptions> options, TimeProvider time)
    : IHealthCheck
{
    /// <summary>Three missed intervals, plus slack for a slow database, before an operator is bothered.</summary>
    private TimeSpan Patience => options.Value.Checkpoints.Interval * 3 + TimeSpan.FromSeconds(10);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var latest = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .Select(c => new { c.TreeSize, c.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        var checkpointed = latest?.TreeSize ?? 0;
        var now = time.GetUtcNow().UtcDateTime;
        // The oldest append no checkpoint covers yet.
        var waitingSince = await db.Seals.AsNoTracking().Where(s => s.TreeSize > checkpointed).OrderBy(s => s.TreeSize)
            .Select(s => (DateTime?)s.SealedAt).FirstOrDefaultAsync(cancellationToken);
        var treeSize = await db.Seals.AsNoTracking().MaxAsync(s => (long?)s.TreeSize, cancellationToken) ?? 0;

        var data = new Dictionary<string, object> { ["treeSize"] = treeSize, ["latestCheckpointSize"] = checkpointed };
        if (latest is not null) data["latestCheckpointAgeSeconds"] = Seconds(now - latest.CreatedAt);
        if (waitingSince is { } since) data["uncheckpointedForSeconds"] = Seconds(now - since);

        if (waitingSince is { } oldest && now - oldest > Patience)
            return HealthCheckResult.Degraded(
                $"Entries have waited {Seconds(now - oldest)} s for a checkpoint (Checkpoints:Interval is {options.Value.Checkpoints.Interval}); see the log.",
                data: data);
        return HealthCheckResult.Healthy(latest is null ? "No entries to checkpoint yet." : "Checkpoints are current.", data);
    }

    private static long Seconds(TimeSpan span) => Math.Max(0, (long)span.TotalSeconds);
}
