using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;

namespace AuditPortal.Data.Evidence;

/// <summary>
/// Checks an evidence pack offline — no database, no network — in the order an auditor would
/// (README.txt in every pack): manifest.sig by the trusted key, manifest.json against it, every file
/// against the manifest, checkpoint.txt's signature, then every entry's leaf hash and its inclusion
/// proof against the checkpoint, every content against its envelope's commitment, and the manifest's
/// counts. It stops at the first failure and names the file or entry and why. Large files are
/// streamed; memory holds one content commitment per entry.
/// </summary>
public static class EvidencePackVerifier
{
    /// <param name="trustedKey">The ledger's verifier key from a channel the auditor trusts; null trusts the pack's verifier-key.txt.</param>
    public static PackVerification Verify(string path, NoteVerifier? trustedKey)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            return PackVerification.CannotRun($"cannot read {path} as a zip file: {e.Message}");
        }
        using (zip)
        {
            var run = new Run(zip, trustedKey);
            try
            {
                return run.Check();
            }
            catch (PackFailure failure)
            {
                return new PackVerification(PackOutcome.Failed, failure.Where, failure.Message, run.KeyText, trustedKey is null, null);
            }
            catch (InvalidDataException e)
            {
                // A member whose compressed data is damaged.
                return new PackVerification(PackOutcome.Failed, "zip", $"a file's compressed data is damaged: {e.Message}", run.KeyText, trustedKey is null, null);
            }
        }
    }

    private sealed class PackFailure(string where, string reason) : Exception(reason)
    {
        public string Where { get; } = where;
    }

    private sealed class Run(ZipArchive zip, NoteVerifier? trustedKey)
    {
        private readonly Dictionary<string, ZipArchiveEntry> _files = new(StringComparer.Ordinal);
        private NoteVerifier _key = null!;

        public string? KeyText { get; private set; } = trustedKey?.ToString();

        public PackVerification Check()
        {
            foreach (var entry in zip.Entries)
                if (!_files.TryAdd(entry.FullName, entry)) throw new PackFailure(entry.FullName, "the zip holds two files of this name");

            _key = trustedKey ?? PackKey();
            KeyText = _key.ToString();
            var manifestBytes = Bytes(EvidencePackFormat.Manifest, required: true);
            var origin = CheckSignature(manifestBytes);
            var manifest = ParseManifest(manifestBytes, origin);
            CheckFiles(manifest);
            var checkpoint = CheckCheckpoint(origin);
            var (entries, commitments) = CheckEntries(checkpoint);
            var contents = CheckContents(commitments);
            CheckCount(manifest, "events", entries, EvidencePackFormat.Entries);
            CheckCount(manifest, "contents", contents, EvidencePackFormat.Contents);
            return new PackVerification(PackOutcome.Passed, null, null, KeyText, trustedKey is null, new PackFacts(origin, checkpoint.TreeSize, entries, contents));
        }

        private NoteVerifier PackKey()
        {
            var text = Encoding.UTF8.GetString(Bytes(EvidencePackFormat.VerifierKey, required: true));
            return NoteVerifier.TryParse(text, out var key, out var error)
                ? key
                : throw new PackFailure(EvidencePackFormat.VerifierKey, $"not a verifier key: {error}");
        }

        /// <returns>The origin manifest.sig names.</returns>
        private string CheckSignature(byte[] manifestBytes)
        {
            const string where = EvidencePackFormat.ManifestSignature;
            SignedNote note;
            try { note = SignedNote.Parse(Encoding.UTF8.GetString(Bytes(where, required: true))); }
            catch (FormatException e) { throw new PackFailure(where, $"not a signed note: {e.Message}"); }
            if (!note.IsSignedBy(_key))
                throw new PackFailure(where, $"no valid signature by the trusted key {_key} (signed by {string.Join(", ", note.Signatures.Select(s => $"{s.KeyName}+{s.KeyId:x8}"))})");
            var lines = note.Text.Split('\n');
            if (lines.Length != 4 || lines[0] != EvidencePackFormat.SignatureHeader)
                throw new PackFailure(where, $"its text is not the three lines {EvidencePackFormat.SignatureHeader}, the origin and the manifest's SHA-256");
            var hash = Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
            if (!string.Equals(lines[2], hash, StringComparison.Ordinal))
                throw new PackFailure(EvidencePackFormat.Manifest, $"its SHA-256 {hash} is not the {lines[2]} that manifest.sig signs (manifest.json was changed)");
            return lines[1];
        }

        private JsonObject ParseManifest(byte[] bytes, string origin)
        {
            const string where = EvidencePackFormat.Manifest;
            JsonObject? manifest;
            try { manifest = JsonNode.Parse(bytes) as JsonObject; }
            catch (JsonException e) { throw new PackFailure(where, $"not JSON: {e.Message}"); }
            if (manifest is null) throw new PackFailure(where, "not a JSON object");
            if (Text(manifest["format"]) != EvidencePackFormat.Format) throw new PackFailure(where, $"format is not {EvidencePackFormat.Format}");
            if (Text(manifest["origin"]) != origin) throw new PackFailure(where, $"origin is not {origin}, the one manifest.sig names");
            if (manifest["files"] is not JsonObject files) throw new PackFailure(where, "has no files object");
            foreach (var required in new[] { EvidencePackFormat.Entries, EvidencePackFormat.Proofs, EvidencePackFormat.Checkpoint })
                if (!files.ContainsKey(required)) throw new PackFailure(where, $"does not list {required}");
            return manifest;
        }

        private void CheckFiles(JsonObject manifest)
        {
            var files = (JsonObject)manifest["files"]!;
            foreach (var name in _files.Keys)
                if (name is not (EvidencePackFormat.Manifest or EvidencePackFormat.ManifestSignature) && !files.ContainsKey(name))
                    throw new PackFailure(name, "is in the pack but not in manifest.json (added)");
            foreach (var (name, value) in files)
            {
                if (name is EvidencePackFormat.Manifest or EvidencePackFormat.ManifestSignature)
                    throw new PackFailure(EvidencePackFormat.Manifest, $"lists {name}, which cannot hash itself");
                if (!_files.TryGetValue(name, out var entry)) throw new PackFailure(name, "is listed in manifest.json but missing from the pack");
                string actual;
                using (var stream = entry.Open()) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                if (!string.Equals(actual, Text(value), StringComparison.Ordinal))
                    throw new PackFailure(name, $"its SHA-256 {actual} does not match manifest.json ({Text(value)}): the file was changed");
            }
        }

        private Checkpoint CheckCheckpoint(string origin)
        {
            const string where = EvidencePackFormat.Checkpoint;
            try
            {
                var note = SignedNote.Parse(Encoding.UTF8.GetString(Bytes(where, required: true)));
                if (!note.IsSignedBy(_key)) throw new PackFailure(where, $"no valid signature by the trusted key {_key}");
                var checkpoint = Checkpoint.ParseNoteText(note.Text);
                if (checkpoint.Origin != origin) throw new PackFailure(where, $"is for the log {checkpoint.Origin}, not {origin}");
                return checkpoint;
            }
            catch (FormatException e)
            {
                throw new PackFailure(where, $"not a signed checkpoint: {e.Message}");
            }
        }

        private (long Entries, Dictionary<long, byte[]?> Commitments) CheckEntries(Checkpoint checkpoint)
        {
            using var proofStream = _files[EvidencePackFormat.Proofs].Open();
            PackProofReader proofs;
            try { proofs = new PackProofReader(proofStream); }
            catch (Exception e) when (e is FormatException or JsonException) { throw new PackFailure(EvidencePackFormat.Proofs, e.Message); }
            if (proofs.TreeSize != checkpoint.TreeSize)
                throw new PackFailure(EvidencePackFormat.Proofs, $"treeSize {proofs.TreeSize} is not the size of checkpoint.txt ({checkpoint.TreeSize})");
            if (!proofs.RootHash.AsSpan().SequenceEqual(checkpoint.RootHash))
                throw new PackFailure(EvidencePackFormat.Proofs, "rootHash is not the root hash of checkpoint.txt");

            var commitments = new Dictionary<long, byte[]?>();
            long line = 0, previous = -1;
            using var reader = new StreamReader(_files[EvidencePackFormat.Entries].Open(), EvidencePackFormat.Utf8);
            while (reader.ReadLine() is { } text)
            {
                line++;
                var (sequence, envelope, leafHash) = ParseEntry(text, line);
                var where = $"{EvidencePackFormat.Entries} line {line} (sequence {sequence})";
                if (sequence <= previous) throw new PackFailure(where, "sequences must ascend without repeating");
                previous = sequence;
                if (sequence >= checkpoint.TreeSize) throw new PackFailure(where, $"beyond the checkpoint's tree size {checkpoint.TreeSize}");
                var leaf = MerkleHash.Leaf(envelope);
                if (!leaf.AsSpan().SequenceEqual(leafHash))
                    throw new PackFailure(where, "leafHash is not SHA-256(0x00 ‖ envelope): the envelope or its leaf hash was changed");
                var binding = EnvelopeBinding.Read(envelope);
                if (binding?.Sequence != sequence) throw new PackFailure(where, "the envelope's own sequence is not the line's");

                NextProof(proofs, sequence, out var path);
                var check = MerkleProofs.VerifyInclusion(sequence, checkpoint.TreeSize, leaf, path, checkpoint.RootHash);
                if (!check.IsValid)
                    throw new PackFailure($"{EvidencePackFormat.Proofs} (sequence {sequence})", $"the inclusion proof does not lead to checkpoint.txt's root: {check.Reason}");
                commitments[sequence] = binding.Value.Commitment;
            }
            try
            {
                if (proofs.Next() is { } extra)
                    throw new PackFailure($"{EvidencePackFormat.Proofs} (sequence {extra.Sequence})", "a proof for an entry that entries.jsonl does not hold (an entry was dropped)");
            }
            catch (Exception e) when (e is FormatException or JsonException) { throw new PackFailure(EvidencePackFormat.Proofs, e.Message); }
            return (line, commitments);
        }

        private static void NextProof(PackProofReader proofs, long sequence, out List<byte[]> path)
        {
            (long Sequence, List<byte[]> Path)? proof;
            try { proof = proofs.Next(); }
            catch (Exception e) when (e is FormatException or JsonException) { throw new PackFailure(EvidencePackFormat.Proofs, e.Message); }
            if (proof is null) throw new PackFailure($"{EvidencePackFormat.Proofs} (sequence {sequence})", "no inclusion proof for this entry");
            if (proof.Value.Sequence != sequence)
                throw new PackFailure($"{EvidencePackFormat.Proofs} (sequence {proof.Value.Sequence})",
                    $"proofs are not in the order of entries.jsonl, whose next entry is sequence {sequence} (an entry was dropped or added)");
            path = proof.Value.Path;
        }

        private static (long Sequence, byte[] Envelope, byte[] LeafHash) ParseEntry(string text, long line)
        {
            var where = $"{EvidencePackFormat.Entries} line {line}";
            try
            {
                if (JsonNode.Parse(text) is not JsonObject entry || entry.Count != 3
                    || entry["sequence"] is not JsonValue s || !s.TryGetValue<long>(out var sequence)
                    || Text(entry["envelope"]) is not { } envelope || Text(entry["leafHash"]) is not { } leafHash || leafHash.Length != 64)
                    throw new PackFailure(where, "not {\"sequence\":n,\"envelope\":base64,\"leafHash\":hex}");
                return (sequence, Convert.FromBase64String(envelope), Convert.FromHexString(leafHash));
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new PackFailure(where, $"not {{\"sequence\":n,\"envelope\":base64,\"leafHash\":hex}}: {e.Message}");
            }
        }

        private long CheckContents(Dictionary<long, byte[]?> commitments)
        {
            if (!_files.TryGetValue(EvidencePackFormat.Contents, out var file)) return 0;
            var seen = new HashSet<long>();
            long line = 0;
            using var reader = new StreamReader(file.Open(), EvidencePackFormat.Utf8);
            while (reader.ReadLine() is { } text)
            {
                line++;
                long sequence;
                byte[] salt, content;
                try
                {
                    if (JsonNode.Parse(text) is not JsonObject row || row.Count != 3
                        || row["sequence"] is not JsonValue s || !s.TryGetValue(out sequence)
                        || Text(row["salt"]) is not { } saltHex || Text(row["content"]) is not { } contentBase64)
                        throw new PackFailure($"{EvidencePackFormat.Contents} line {line}", "not {\"sequence\":n,\"salt\":hex,\"content\":base64}");
                    salt = Convert.FromHexString(saltHex);
                    content = Convert.FromBase64String(contentBase64);
                }
                catch (Exception e) when (e is JsonException or FormatException)
                {
                    throw new PackFailure($"{EvidencePackFormat.Contents} line {line}", $"not {{\"sequence\":n,\"salt\":hex,\"content\":base64}}: {e.Message}");
                }
                var where = $"{EvidencePackFormat.Contents} line {line} (sequence {sequence})";
                if (!commitments.TryGetValue(sequence, out var commitment)) throw new PackFailure(where, "content for an entry the pack does not hold");
                if (!seen.Add(sequence)) throw new PackFailure(where, "a second content for the same entry");
                if (commitment is null) throw new PackFailure(where, "the entry's envelope has no content commitment");
                if (!Envelope.Commitment(salt, content).AsSpan().SequenceEqual(commitment))
                    throw new PackFailure(where, "SHA-256(\"auditportal/content/v1\\0\" ‖ salt ‖ content) is not the envelope's commitment: the content or its salt was changed");
            }
            return line;
        }

        private static void CheckCount(JsonObject manifest, string name, long actual, string file)
        {
            if ((manifest["counts"] as JsonObject)?[name] is not JsonValue value || !value.TryGetValue<long>(out var stated))
                throw new PackFailure(EvidencePackFormat.Manifest, $"has no counts.{name}");
            if (stated != actual)
                throw new PackFailure(file, $"holds {actual} lines, manifest.json's counts.{name} says {stated} (lines were dropped or added)");
        }

        private byte[] Bytes(string name, bool required)
        {
            if (!_files.TryGetValue(name, out var entry))
                return required ? throw new PackFailure(name, "missing from the pack") : [];
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}
