using AuditPortal.Data.Ledger;
using AuditPortal.Data.Signing;
using AuditPortal.Redaction;
using Microsoft.Extensions.Options;

namespace AuditPortal.Configuration;

/// <summary>Checks the ledger settings every verb and the web host use, naming the key to fix, so a bad deployment fails loudly and early.</summary>
public sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var errors = new List<string>();
        const string p = PortalOptions.Section;

        if (!Enum.TryParse<LedgerProvider>(options.Database.Provider, ignoreCase: true, out _))
            errors.Add($"{p}:Database:Provider is \"{options.Database.Provider}\"; use Sqlite, Postgres or SqlServer.");
        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
            errors.Add($"{p}:Database:ConnectionString is empty; set the database's connection string.");
        if (string.IsNullOrWhiteSpace(options.Signing.KeyFile))
            errors.Add($"{p}:Signing:KeyFile is empty; set a file outside the database for the signing key.");
        if (!NoteKeys.IsValidName(options.Signing.Origin ?? ""))
            errors.Add($"{p}:Signing:Origin \"{options.Signing.Origin}\" is not a log name; use one without spaces or '+', e.g. example.com/auditportal.");
        if (string.IsNullOrWhiteSpace(options.Anchors.Directory))
            errors.Add($"{p}:Anchors:Directory is empty; set a directory outside the database, where checkpoints are also written.");
        if (options.Checkpoints.Interval < TimeSpan.FromMilliseconds(100) || options.Checkpoints.Interval > TimeSpan.FromDays(1))
            errors.Add($"{p}:Checkpoints:Interval {options.Checkpoints.Interval} is out of range; use 00:00:00.1 to 1.00:00:00.");
        if (options.Checkpoints.MaxEntries is < 1 or > 10_000_000)
            errors.Add($"{p}:Checkpoints:MaxEntries {options.Checkpoints.MaxEntries} is out of range; use 1 to 10000000.");
        if (options.Retention.LegalFloorDays is < 0 or > 36_500)
            errors.Add($"{p}:Retention:LegalFloorDays {options.Retention.LegalFloorDays} is out of range; use 0 to 36500.");
        if (options.Retention.Interval < TimeSpan.FromSeconds(1) || options.Retention.Interval > TimeSpan.FromDays(7))
            errors.Add($"{p}:Retention:Interval {options.Retention.Interval} is out of range; use 00:00:01 to 7.00:00:00.");
        foreach (var (detector, action) in options.Redaction.Detectors)
        {
            if (!PiiDetectors.Names.Contains(detector.ToLowerInvariant()))
                errors.Add($"{p}:Redaction:Detectors:{detector} is not a detector; use {string.Join(", ", PiiDetectors.Names)}.");
            if (!Enum.TryParse<RedactionAction>(action, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                errors.Add($"{p}:Redaction:Detectors:{detector} = \"{action}\" is not an action; use Keep, Mask or Hash.");
        }
        if (string.IsNullOrWhiteSpace(options.Evidence.Directory))
            errors.Add($"{p}:Evidence:Directory is empty; set a folder for evidence packs (default data/evidence).");
        if (options.Evidence.KeepDays is < 1 or > 3650)
            errors.Add($"{p}:Evidence:KeepDays {options.Evidence.KeepDays} is out of range; use 1 to 3650.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
