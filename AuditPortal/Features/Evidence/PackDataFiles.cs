using System.Text.Json;
using AuditPortal.Data.Evidence;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Streams entries.jsonl, contents.jsonl and proofs.json into a work folder, one row at a time, in
/// the line formats of DESIGN.md §7. Nothing is held beyond the writers' buffers.
/// </summary>
internal sealed class PackDataFiles : IDisposable
{
    private const int FlushBytes = 64 * 1024;

    /// <summary>Base64 as it is ('+' and '/' not escaped as \u002B): the values are ASCII, and auditors read these files with jq.</summary>
    internal static readonly JsonWriterOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FileStream _entries;
    private readonly FileStream _contents;
    private readonly FileStream _proofs;
    private readonly Utf8JsonWriter _entryLine;
    private readonly Utf8JsonWriter _contentLine;
    private readonly Utf8JsonWriter _proofWriter;

    public PackDataFiles(string folder, long treeSize, ReadOnlySpan<byte> rootHash)
    {
        _entries = Create(Path.Combine(folder, EvidencePackFormat.Entries));
        _contents = Create(Path.Combine(folder, EvidencePackFormat.Contents));
        _proofs = Create(Path.Combine(folder, EvidencePackFormat.Proofs));
        _entryLine = new Utf8JsonWriter(_entries, Json);
        _contentLine = new Utf8JsonWriter(_contents, Json);
        _proofWriter = new Utf8JsonWriter(_proofs, Json);
        // treeSize and rootHash come first, so a verifier can check each proof as it streams past.
        _proofWriter.WriteStartObject();
        _proofWriter.WriteNumber("treeSize", treeSize);
        _proofWriter.WriteString("rootHash", Convert.ToHexStringLower(rootHash));
        _proofWriter.WriteStartArray("proofs");
    }

    private static FileStream Create(string path) => new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

    public void Write(PackRow row, IReadOnlyList<byte[]> proofPath)
    {
        _entryLine.WriteStartObject();
        _entryLine.WriteNumber("sequence", row.Sequence);
        _entryLine.WriteBase64String("envelope", row.Envelope);
        _entryLine.WriteString("leafHash", Convert.ToHexStringLower(row.LeafHash));
        _entryLine.WriteEndObject();
        EndLine(_entryLine, _entries);

        if (row.Content is { } content)
        {
            _contentLine.WriteStartObject();
            _contentLine.WriteNumber("sequence", row.Sequence);
            _contentLine.WriteString("salt", Convert.ToHexStringLower(content.Salt));
            _contentLine.WriteBase64String("content", content.Content);
            _contentLine.WriteEndObject();
            EndLine(_contentLine, _contents);
        }

        _proofWriter.WriteStartObject();
        _proofWriter.WriteNumber("sequence", row.Sequence);
        _proofWriter.WriteStartArray("path");
        foreach (var hash in proofPath) _proofWriter.WriteStringValue(Convert.ToHexStringLower(hash));
        _proofWriter.WriteEndArray();
        _proofWriter.WriteEndObject();
        if (_proofWriter.BytesPending > FlushBytes) _proofWriter.Flush();
    }

    /// <summary>One JSON object a line: the writer is flushed and reset so it starts the next line afresh.</summary>
    private static void EndLine(Utf8JsonWriter line, FileStream file)
    {
        line.Flush();
        file.WriteByte((byte)'\n');
        line.Reset(file);
    }

    public void Complete()
    {
        _proofWriter.WriteEndArray();
        _proofWriter.WriteEndObject();
        _proofWriter.Flush();
        _proofs.WriteByte((byte)'\n');
        _entries.Flush();
        _contents.Flush();
        _proofs.Flush();
    }

    public void Dispose()
    {
        _entryLine.Dispose();
        _contentLine.Dispose();
        _proofWriter.Dispose();
        _entries.Dispose();
        _contents.Dispose();
        _proofs.Dispose();
    }
}
