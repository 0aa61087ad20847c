using AuditPortal.Features.Evidence;
using AuditPortal.Features.Integrity;
using AuditPortal.Features.Prompts;
using AuditPortal.Reading;

namespace AuditPortal;

public static class LedgerReadingServiceCollectionExtensions
{
    /// <summary>
    /// The typed read services the API, the dashboard pages and evidence packs share. Each records
    /// the read as an access event through the ledger's writer, so it needs AddLedgerWriting.
    /// </summary>
    public static IServiceCollection AddLedgerReading(this IServiceCollection services)
    {
        services.AddSingleton<IntegrityAlerts>();
        // Readiness (/health/ready) runs every registered check: Degraded once a read found a tampered row.
        services.AddHealthChecks().AddCheck<IntegrityHealthCheck>(IntegrityHealthCheck.Name);
        // One per ledger: it keeps the tombstones read so far, and each read asks only for newer ones.
        services.AddSingleton<Data.Retention.TombstoneIndexCache>();
        services.AddSingleton<TimelineService>();
        services.AddSingleton<EventDetailService>();
        services.AddSingleton<PromptHistoryService>();
        services.AddSingleton<AccessLogService>();
        services.AddSingleton<ProofService>();
        services.AddSingleton<EvidenceExporter>();
        return services;
    }
}
