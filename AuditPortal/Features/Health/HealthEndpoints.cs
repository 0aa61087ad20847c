using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace AuditPortal.Features.Health;

/// <summary>
/// Probes for orchestrators and operators, anonymous like a load balancer is: <c>/health/live</c>
/// answers while the process serves requests and runs no check; <c>/health/ready</c> runs every
/// registered health check (each feature registers its own) and answers 200 for Healthy or Degraded,
/// 503 for Unhealthy, with the JSON report of <see cref="HealthReportJson"/>. They reveal no paths,
/// connection strings or error messages: those go to the log.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJson.WriteAsync })
            .AllowAnonymous()
            .WithName("Liveness")
            .WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync })
            .AllowAnonymous()
            .WithName("Readiness")
            .WithTags("Health");
        return app;
    }
}
