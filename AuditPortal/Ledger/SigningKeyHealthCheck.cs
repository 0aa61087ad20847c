using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Ledger;

/// <summary>Ready only once the ledger's signing key is loaded: without it nothing can be sealed.</summary>
public sealed class SigningKeyHealthCheck(SigningKeyHolder keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(keys.IsLoaded
            ? HealthCheckResult.Healthy("The signing key is loaded.", new Dictionary<string, object> { ["keyId"] = keys.Signer.KeyId.ToString("x8") })
            : new HealthCheckResult(context.Registration.FailureStatus, "The signing key is not loaded."));
}
