using AuditPortal.Data.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Ledger;

/// <summary>Ready only while the configured database answers.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<LedgerDbContext> factory, LedgerLocation location) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["provider"] = location.Provider.ToString() };
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The database answers.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, "The database cannot be reached; see the log.", data: data);
    }
}
