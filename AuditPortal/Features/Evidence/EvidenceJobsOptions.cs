using AuditPortal.Configuration;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Where the dashboard's background exports keep their packs and how long (DESIGN.md §5:
/// <c>AuditPortal:Evidence:Directory</c>, <c>AuditPortal:Evidence:KeepDays</c>). The command line's
/// <c>evidence export --out FILE</c> writes where it is told and does not use these.
/// </summary>
public sealed class EvidenceJobsOptions
{
    public const string Section = PortalOptions.Section + ":Evidence";

    /// <summary>Packs and their job records; relative to the settings file's folder. Holds audited content: owner-only.</summary>
    public string Directory { get; set; } = "data/evidence";

    /// <summary>Packs and job records older than this are deleted by the periodic sweep.</summary>
    public int KeepDays { get; set; } = 7;
}

/// <summary>Names the key to fix, like the other settings, so a bad deployment fails at start-up.</summary>
public sealed class EvidenceJobsOptionsValidator : IValidateOptions<EvidenceJobsOptions>
{
    public ValidateOptionsResult Validate(string? name, EvidenceJobsOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
            errors.Add($"{EvidenceJobsOptions.Section}:Directory is empty; set a folder for evidence packs (default data/evidence).");
        if (options.KeepDays is < 1 or > 3650)
            errors.Add($"{EvidenceJobsOptions.Section}:KeepDays {options.KeepDays} is out of range; use 1 to 3650.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The resolved, absolute folder and the keeping period, derived once from the options.</summary>
public sealed record EvidenceJobsLocation(string Directory, TimeSpan Keep)
{
    public static EvidenceJobsLocation From(EvidenceJobsOptions options, string settingsFolder) =>
        new(PortalPaths.Resolve(settingsFolder, options.Directory), TimeSpan.FromDays(options.KeepDays));
}
