using AuditPortal.Configuration;

namespace AuditPortal.Features.Evidence;

/// <summary>Where background exports keep packs and for how long: <c>Evidence:Directory</c> resolved once against the settings folder.</summary>
public sealed record EvidenceJobsLocation(string Directory, TimeSpan Keep)
{
    public static EvidenceJobsLocation From(PortalOptions options, string settingsFolder) =>
        new(PortalPaths.Resolve(settingsFolder, options.Evidence.Directory), TimeSpan.FromDays(options.Evidence.KeepDays));
}
