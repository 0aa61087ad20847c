using System.Globalization;

namespace AuditPortal.Features.Evidence;

/// <summary>How the evidence page words sizes, counts and a job's state.</summary>
public static class EvidenceFormat
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes:N0} bytes",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    public static string Counts(EvidenceCounts counts)
    {
        var text = $"{counts.Events:N0} entries ({counts.PromptChanges:N0} prompt changes, {counts.AccessEvents:N0} access events), {counts.Contents:N0} contents";
        return counts.PurgedContents > 0 ? $"{text} ({counts.PurgedContents:N0} purged)" : text;
    }

    /// <summary>The words the page uses for the filters' query names (as on the access log).</summary>
    private static readonly Dictionary<string, string> FilterLabels = new(StringComparer.Ordinal)
    {
        ["actor"] = "user", ["type"] = "type", ["application"] = "application", ["model"] = "model", ["prompt"] = "prompt",
        ["promptVersion"] = "version", ["from"] = "from", ["to"] = "to", ["q"] = "text",
    };

    /// <summary>"prompt “support-reply”, version “3”, from “2026-11-26 00:00:00 UTC”", or "no filters (every event)".</summary>
    public static string Filters(IReadOnlyDictionary<string, string> filters) =>
        filters.Count == 0
            ? "no filters (every event)"
            : string.Join(", ", filters.Select(f => $"{FilterLabels.GetValueOrDefault(f.Key, f.Key)} “{FilterValue(f.Key, f.Value)}”"));

    // Times are recorded to the tick (EventQuery.Describe, "O"); the page shows them to the second, in UTC.
    private static string FilterValue(string name, string value) =>
        name is "from" or "to" && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time.ToUniversalTime().ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm:ss.fffffff 'UTC'", CultureInfo.InvariantCulture)
            : value;

    public static string Status(EvidenceJob job) => job.Status switch
    {
        EvidenceJobStatus.Queued => "Waiting to start",
        EvidenceJobStatus.Running when job.CancelRequestedBy is not null => "Cancelling…",
        EvidenceJobStatus.Running => job.Progress is { } p ? $"Running: {Phase(p.Phase)}" : "Running",
        EvidenceJobStatus.Done => "Done",
        EvidenceJobStatus.Failed => "Failed",
        _ => "Cancelled",
    };

    /// <summary>What the exporter is doing, in the page's words.</summary>
    public static string Phase(string phase) => phase switch
    {
        EvidencePhases.Selecting => "waiting for a checkpoint that covers the events, and counting them",
        EvidencePhases.Entries => "writing entries, proofs and contents",
        EvidencePhases.Packing => "writing the workbook and signing the manifest",
        EvidencePhases.Done => "recording the export in the ledger",
        _ => phase,
    };

    /// <summary>"1,200 of 5,000 rows written", or null before the exporter has counted them.</summary>
    public static string? Rows(EvidenceProgress? progress) =>
        progress is { TotalRows: > 0 } p ? $"{p.RowsWritten:N0} of {p.TotalRows:N0} rows written" : null;

    public static double Percent(EvidenceProgress? progress) =>
        progress is { TotalRows: > 0 } p ? Math.Clamp(100.0 * p.RowsWritten / p.TotalRows, 0, 100) : 0;

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
