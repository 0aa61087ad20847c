using AuditPortal.Reading;


namespace AuditPortal.Features.Evidence;

// The evidence service's contract with the /evidence page and its background jobs (issue 9): keep the names.

/// <param name="Filters">The timeline's validated filters; no filter = every event. Cursor, limit and includeContent are ignored.</param>
/// <param name="IncludeContent">Disclose the contents (messages, templates, comments) in contents.jsonl and the workbook.</param>
public sealed record EvidenceRequest(EventQuery Filters, bool IncludeContent);

/// <summary>What a pack for these filters would hold, counted without reading a row.</summary>
/// <param name="Events">Every entry: the events the filters match plus the lifecycle events of the prompt versions they used.</param>
/// <param name="PromptChanges">Prompt lifecycle events (created, approved, rejected, published) among them.</param>
/// <param name="AccessEvents">Access events among them.</param>
/// <param name="Contents">Disclosed contents (0 without content).</param>
/// <param name="EstimatedBytes">A rough size of the zip, from the stored sizes of envelopes and contents.</param>
public sealed record EvidencePreview(long Events, long PromptChanges, long AccessEvents, long Contents, long EstimatedBytes);

/// <param name="Phase">One of <see cref="EvidencePhases"/>.</param>
/// <param name="RowsWritten">Entries written so far.</param>
/// <param name="TotalRows">Entries the pack will hold.</param>
public sealed record EvidenceProgress(string Phase, long RowsWritten, long TotalRows);

/// <param name="PurgedContents">Entries whose content retention had purged (listed as purged in the workbook; 0 without content).</param>
public sealed record EvidenceCounts(long Events, long PromptChanges, long AccessEvents, long Contents, long PurgedContents);

/// <param name="FileName">The pack's file name (of the destination path).</param>
/// <param name="ManifestSha256">Hex SHA-256 of manifest.json, as manifest.sig signs it and the access event records it.</param>
/// <param name="Bytes">The zip's size.</param>
public sealed record EvidencePackResult(string FileName, EvidenceCounts Counts, string ManifestSha256, long Bytes);

/// <summary>The phases an export reports, in order.</summary>
public static class EvidencePhases
{
    /// <summary>Waiting for a checkpoint that covers the ledger and counting the selection.</summary>
    public const string Selecting = "selecting";
    /// <summary>Streaming entries, proofs and contents; RowsWritten counts up to TotalRows.</summary>
    public const string Entries = "entries";
    /// <summary>Assembling evidence.xlsx, the manifest and its signature into the zip.</summary>
    public const string Packing = "packing";
    /// <summary>The access event is recorded and the file moved into place.</summary>
    public const string Done = "done";
}

/// <summary>An export that cannot produce a pack that verifies; the message says why, for the person who asked.</summary>
public sealed class EvidenceExportException(string message) : Exception(message);
