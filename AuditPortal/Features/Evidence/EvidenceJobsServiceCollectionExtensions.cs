using AuditPortal.Configuration;
using AuditPortal.Ledger;

namespace AuditPortal.Features.Evidence;

public static class EvidenceJobsServiceCollectionExtensions
{
    /// <summary>
    /// The web host's background exports and their folder (the CLI exports in the foreground and needs
    /// neither). Evidence:* is validated with the other settings (PortalOptionsValidator).
    /// </summary>
    public static IServiceCollection AddEvidenceJobs(this IServiceCollection services, string settingsFolder)
    {
        services.AddSingleton(sp => EvidenceJobsLocation.From(StartupRefusal.Settings<PortalOptions>(sp), settingsFolder));
        services.AddSingleton<EvidenceJobStore>();
        services.AddSingleton<EvidenceJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<EvidenceJobs>());
        return services;
    }
}
