using AuditPortal.Reading;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Features.Integrity;

/// <summary>
/// "integrity" on /health/ready: Degraded once a read has found a row its envelope does not explain, or
/// the text search indexer found a full partition that does not hold its entries' search text. Not
/// Unhealthy: the portal still serves correct data (it leaves such rows out, and a text search checks
/// each row it finds against its envelope), but an operator must run verify and find out who edited
/// the database.
/// </summary>
public sealed class IntegrityHealthCheck(IntegrityAlerts alerts) : IHealthCheck
{
    public const string Name = "integrity";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var count = alerts.Count;
        var searchIndex = alerts.SearchIndexRefusal;
        if (count == 0 && searchIndex is null)
            return Task.FromResult(HealthCheckResult.Healthy("No integrity alerts from reads or the text search index since start."));
        var data = new Dictionary<string, object> { ["alerts"] = count };
        var problems = new List<string>();
        if (alerts.Latest is { } latest)
        {
            data["latestSequence"] = latest.Sequence;
            data["latestMismatch"] = latest.What;
            data["latestAt"] = latest.AtUtc;
            problems.Add($"{count} integrity alert(s) since start: rows whose signed envelope disagrees with their columns were left out of reads " +
                         $"(latest: entry {latest.Sequence}, {latest.What}).");
        }
        if (searchIndex is not null)
        {
            data["searchIndex"] = searchIndex;
            problems.Add(searchIndex);
        }
        return Task.FromResult(HealthCheckResult.Degraded(string.Join(" ", problems) + " Run verify.", data: data));
    }
}
