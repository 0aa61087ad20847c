using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Ledger;

public static class LedgerHealthChecks
{
    /// <summary>A database check that hangs must not hang the probe: bounded like a load balancer's patience.</summary>
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The ledger's own readiness: database reachable, migrations applied, signing key loaded.</summary>
    public static IHealthChecksBuilder AddLedgerHealthChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, timeout: DatabaseTimeout)
        .AddCheck<MigrationsHealthCheck>("migrations", HealthStatus.Unhealthy, timeout: DatabaseTimeout)
        .AddCheck<SigningKeyHealthCheck>("signingKey", HealthStatus.Unhealthy);
}
