using System.Text;

namespace AuditPortal.Data.Evidence;

/// <summary>
/// The names and fixed texts of an evidence pack (DESIGN.md §7, docs/evidence.md), shared by the
/// exporter and the offline verifier so the two cannot drift apart.
/// </summary>
public static class EvidencePackFormat
{
    public const string Format = "auditportal-evidence/v1";

    /// <summary>The first line of manifest.sig's note text.</summary>
    public const string SignatureHeader = "auditportal/evidence/v1";

    public const string Workbook = "evidence.xlsx";
    public const string Entries = "entries.jsonl";
    public const string Contents = "contents.jsonl";
    public const string Proofs = "proofs.json";
    public const string Checkpoint = "checkpoint.txt";
    public const string VerifierKey = "verifier-key.txt";
    public const string Readme = "README.txt";
    public const string Manifest = "manifest.json";
    public const string ManifestSignature = "manifest.sig";

    /// <summary>Every file manifest.json lists with its SHA-256 (all but the manifest and its signature).</summary>
    public static readonly IReadOnlyList<string> HashedFiles = [Workbook, Entries, Contents, Proofs, Checkpoint, VerifierKey, Readme];

    /// <summary>The text manifest.sig signs: three lines, the header, the origin and the hex SHA-256 of manifest.json.</summary>
    public static string SignatureText(string origin, ReadOnlySpan<byte> manifestSha256) =>
        $"{SignatureHeader}\n{origin}\n{Convert.ToHexStringLower(manifestSha256)}\n";

    /// <summary>The pack's file name for its creation time: evidence-20261203T104455Z.zip.</summary>
    public static string FileName(DateTime createdAtUtc) =>
        $"evidence-{createdAtUtc.ToUniversalTime():yyyyMMdd'T'HHmmss'Z'}.zip";

    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
