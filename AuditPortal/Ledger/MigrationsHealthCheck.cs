using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Ledger;

/// <summary>
/// Ready only when the database has every migration this build knows: a database restored from an
/// older copy, or replaced under a running portal, would otherwise fail on the first append.
/// </summary>
public sealed class MigrationsHealthCheck(IDbContextFactory<LedgerDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        var data = new Dictionary<string, object> { ["pending"] = pending.Count };
        return pending.Count == 0
            ? HealthCheckResult.Healthy("Every migration is applied.", data)
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"{pending.Count} migration(s) are not applied (first: {pending[0]}); run `migrate` or restart the portal.", data: data);
    }
}
