using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Features.Integrity;

public static class IntegrityHealthChecks
{
    /// <summary>Checkpoint freshness and anchoring; both only degrade readiness, since appends still work.</summary>
    public static IHealthChecksBuilder AddIntegrityHealthChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<CheckpointHealthCheck>("checkpoints", HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5))
        .AddCheck<AnchoringHealthCheck>("anchoring", HealthStatus.Degraded);
}
