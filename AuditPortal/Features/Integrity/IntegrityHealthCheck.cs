using AuditPortal.Reading;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Features.Integrity;

/// <summary>
/// "integrity" on /health/ready: Degraded once a read has found a row its envelope does not explain.
/// Not Unhealthy: the portal still serves correct data (it leaves such rows out), but an operator must
/// run verify and find out who edited the database.
/// </summary>
public sealed class IntegrityHealthCheck(IntegrityAlerts alerts) : IHealthCheck
{
    public const string Name = "integrity";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var count = alerts.Count;
        if (count == 0) return Task.FromResult(HealthCheckResult.Healthy("No integrity alerts from reads since start."));
        var latest = alerts.Latest!;
        var data = new Dictionary<string, object>
        {
            ["alerts"] = count,
            ["latestSequence"] = latest.Sequence,
            ["latestMismatch"] = latest.What,
            ["latestAt"] = latest.AtUtc,
        };
        return Task.FromResult(HealthCheckResult.Degraded(
            $"{count} integrity alert(s) since start: rows whose signed envelope disagrees with their columns were left out of reads " +
            $"(latest: entry {latest.Sequence}, {latest.What}). Run verify.", data: data));
    }
}
