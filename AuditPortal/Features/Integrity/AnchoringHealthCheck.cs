using AuditPortal.Ledger.Checkpoints;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Features.Integrity;

/// <summary>Degraded while checkpoints cannot be written to the anchor directory (ingestion goes on meanwhile).</summary>
public sealed class AnchoringHealthCheck(AnchoringStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status.CurrentFailure is not { } failure)
            return Task.FromResult(HealthCheckResult.Healthy("Checkpoints are written to the anchor directory."));
        var data = new Dictionary<string, object>
        {
            ["failingSince"] = failure.Since.ToString("O"),
            ["unanchoredCheckpoints"] = failure.UnanchoredCheckpoints,
            ["error"] = failure.ErrorKind,
        };
        return Task.FromResult(HealthCheckResult.Degraded(
            "Checkpoints cannot be written to the anchor directory; they are stored in the database and will be anchored once it works. See the log.",
            data: data));
    }
}
