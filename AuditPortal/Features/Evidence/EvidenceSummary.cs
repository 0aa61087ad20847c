using System.Globalization;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Features.Evidence;

/// <summary>The Summary sheet: what was asked, by whom, what the pack holds and what it was checked against.</summary>
internal static class EvidenceSummary
{
    public static IReadOnlyList<KeyValuePair<string, string>> Rows(PackSelection selection, bool includeContent, EvidenceCounts counts,
        ActorRef exporter, string via, DateTime createdAt, PackCheckpoint checkpoint, string origin)
    {
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var filters = EvidenceFilters.Of(selection.Filters);
        var rows = new List<KeyValuePair<string, string>>
        {
            new("Format", "auditportal-evidence/v1"),
            new("Ledger (origin)", origin),
            new("Created (UTC)", Timestamps.ToCanonical(createdAt)),
            new("Exported by", $"{exporter.Id} ({exporter.Kind}) via {via}"),
        };
        if (filters.Count == 0) rows.Add(new("Filters", "none: every event"));
        rows.AddRange(filters.Select(f => new KeyValuePair<string, string>($"Filter: {f.Key}", f.Value)));
        rows.Add(new("Content", includeContent
            ? "disclosed: contents.jsonl holds every content retention has not purged; purged ones are marked in the sheets"
            : "left out: the pack holds envelopes (with their content commitments) but no content"));
        rows.Add(new("What the pack holds",
            "the events the filters select, plus the lifecycle events (created, approved, rejected, published) of every prompt version " +
            "those events used, so who wrote and approved a version is in the same pack as the calls that used it"));
        rows.Add(new("Events", N(counts.Events)));
        rows.Add(new("Prompt changes", N(counts.PromptChanges)));
        rows.Add(new("Access events", N(counts.AccessEvents)));
        rows.Add(new("Contents disclosed", N(counts.Contents)));
        rows.Add(new("Contents purged", N(counts.PurgedContents)));
        rows.Add(new("Checkpoint tree size", N(checkpoint.TreeSize)));
        rows.Add(new("Checkpoint root hash (hex)", Convert.ToHexStringLower(checkpoint.RootHash)));
        rows.Add(new("Checkpoint (signed note)", checkpoint.Note));
        rows.Add(new("Selection bound", checkpoint.Bounded
            ? $"entries below sequence {N(checkpoint.TreeSize)} only: the ledger held {N(checkpoint.LedgerSize)} entries when the export began, " +
              "but no newer checkpoint was issued in time; later events are not in this pack"
            : $"every entry of the ledger when the export began ({N(checkpoint.LedgerSize)}) is covered by the checkpoint"));
        rows.Add(new("Verification at export", counts.Events == 0
            ? "nothing to verify: no event matches the filters"
            : $"passed: each of the {N(counts.Events)} entries' leaf hash, its inclusion proof against the checkpoint above " +
              "(signed by the ledger key) and, where disclosed, its content commitment were checked while exporting"));
        rows.Add(new("How to check this pack", "README.txt: verify-pack FILE --key <verifier key>, or by hand with sha256sum, a note verifier and the RFC 9162 algorithm"));
        return rows;
    }
}
