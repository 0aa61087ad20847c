using AuditPortal.Configuration;
using AuditPortal.Ledger;

namespace AuditPortal.Redaction;

public static class RedactionServiceCollectionExtensions
{
    /// <summary>The configured detectors (none by default), read once; the hash key is created only when a detector hashes.</summary>
    public static IServiceCollection AddRedaction(this IServiceCollection services, string settingsFolder)
    {
        services.AddSingleton(sp =>
        {
            var settings = StartupRefusal.Settings<PortalOptions>(sp).Redaction;
            return RedactionPlan.From(settings.Detectors, () => RedactionKeyFile.ReadOrCreate(PortalPaths.Resolve(settingsFolder, settings.KeyFile)));
        });
        services.AddSingleton<ContentRedactor>();
        return services;
    }
}
