using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Retention;
using AuditPortal.Data.Signing;
using AuditPortal.Ledger;
using AuditPortal.Ledger.Checkpoints;
using AuditPortal.Reading;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Evidence packs (DESIGN.md §7, docs/evidence.md): a zip an outside auditor checks offline with
/// verify-pack or by hand. The pack holds the entries the filters select plus the lifecycle events of
/// the prompt versions they used, every inclusion proof against ONE signed checkpoint that covers them
/// all, and a manifest signed by the ledger key. Rows are streamed from the database into files in a
/// work folder beside the destination, so memory does not grow with the pack; each entry's leaf hash,
/// proof and content commitment is checked on the way, and an export that would not verify fails
/// instead. The export is recorded as an access event before the pack is moved into place.
/// </summary>
public sealed partial class EvidenceExporter(
    IDbContextFactory<LedgerDbContext> factory,
    AccessRecorder access,
    CheckpointPublisher publisher,
    SigningKeyHolder keys,
    LedgerLocation location,
    IntegrityAlerts alerts,
    TimeProvider time,
    ILogger<EvidenceExporter> logger)
{
    /// <summary>Progress is reported at most once per this many rows.</summary>
    private const int ProgressEveryRows = 500;

    /// <summary>What a pack for these filters would hold, from counts alone (no envelope is read, nothing is recorded).</summary>
    public async Task<EvidencePreview> PreviewAsync(EventQuery filters, bool includeContent, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Up to the ledger's size now: an export started now waits for the checkpoint that covers it.
        var bound = await TreeReader.TreeSizeAsync(db, cancellationToken);
        var selection = await PackSelection.CreateAsync(db, filters, bound, cancellationToken);
        var counts = await selection.CountAsync(db, includeContent, cancellationToken);
        return new EvidencePreview(counts.Events, counts.PromptChanges, counts.AccessEvents, counts.Contents,
            EstimateBytes(counts.Events, counts.EnvelopeBytes, counts.Contents, counts.ContentBytes, bound));
    }

    /// <summary>
    /// A rough size of the zip: envelopes and contents base64'd in the JSON lines and again as text in
    /// the workbook, about log2(n) hex hashes of proof per entry, and deflate roughly halving all that.
    /// </summary>
    private static long EstimateBytes(long entries, long envelopeBytes, long contents, long contentBytes, long treeSize)
    {
        var proofHashes = Math.Max(1, (long)Math.Ceiling(Math.Log2(Math.Max(2, treeSize))));
        var raw = envelopeBytes * 2.4 + contentBytes * 2.4 + entries * (proofHashes * 67 + 450) + contents * 140 + 16_384;
        return (long)(raw * 0.5);
    }

    /// <summary>
    /// Writes the pack to <paramref name="destinationPath"/> (via a temporary file in the same folder;
    /// nothing is left behind on failure or cancellation), records the <c>access</c> event (exporter,
    /// via, filters, counts, manifest SHA-256) and only then moves the file into place.
    /// </summary>
    /// <exception cref="EvidenceExportException">The ledger has no checkpoint, the destination exists, or an entry does not verify.</exception>
    public async Task<EvidencePackResult> ExportAsync(EvidenceRequest request, ActorRef exporter, string via, string destinationPath,
        IProgress<EvidenceProgress>? progress, CancellationToken cancellationToken)
    {
        destinationPath = Path.GetFullPath(destinationPath);
        var folder = Path.GetDirectoryName(destinationPath)!;
        var fileName = Path.GetFileName(destinationPath);
        if (File.Exists(destinationPath)) throw new EvidenceExportException($"{destinationPath} exists already; an export never overwrites a pack.");
        Directory.CreateDirectory(folder);

        var createdAt = time.GetUtcNow().UtcDateTime;
        progress?.Report(new EvidenceProgress(EvidencePhases.Selecting, 0, 0));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var checkpoint = await CheckpointAsync(db, cancellationToken);
        var selection = await PackSelection.CreateAsync(db, request.Filters, checkpoint.TreeSize, cancellationToken);
        var total = await selection.CountEntriesAsync(db, cancellationToken);

        var work = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.work");
        var temporary = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(work);
            var counts = await WriteFilesAsync(db, selection, request.IncludeContent, checkpoint, work, exporter, via, createdAt, total, progress,
                cancellationToken);

            progress?.Report(new EvidenceProgress(EvidencePhases.Packing, counts.Events, total));
            var manifest = Manifest(selection, request.IncludeContent, counts, exporter, via, createdAt, checkpoint, HashFiles(work));
            var manifestHash = SHA256.HashData(manifest);
            var signature = SignedNote.Sign(EvidencePackFormat.SignatureText(location.Origin, manifestHash), keys.Signer);
            await File.WriteAllBytesAsync(Path.Combine(work, EvidencePackFormat.Manifest), manifest, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(work, EvidencePackFormat.ManifestSignature), signature, cancellationToken);
            Zip(work, temporary, createdAt);
            Directory.Delete(work, recursive: true);
            cancellationToken.ThrowIfCancellationRequested();

            var manifestHex = Convert.ToHexStringLower(manifestHash);
            await access.RecordAsync(exporter, "evidence.export", AccessDetails(request, counts, manifestHex, fileName, checkpoint.TreeSize, via),
                cancellationToken);
            File.Move(temporary, destinationPath, overwrite: false);
            progress?.Report(new EvidenceProgress(EvidencePhases.Done, counts.Events, total));
            return new EvidencePackResult(fileName, counts, manifestHex, new FileInfo(destinationPath).Length);
        }
        finally
        {
            // Whatever happened, only the finished pack remains.
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private async Task<EvidenceCounts> WriteFilesAsync(LedgerDbContext db, PackSelection selection, bool includeContent, PackCheckpoint checkpoint,
        string work, ActorRef exporter, string via, DateTime createdAt, long total, IProgress<EvidenceProgress>? progress,
        CancellationToken cancellationToken)
    {
        long events = 0, promptChanges = 0, accessEvents = 0, contents = 0, purged = 0, reported = 0;
        using var workbook = new EvidenceWorkbook(work);
        // What purged each purged content, said in the workbook (the tombstones are few: one per 1,000 purged rows).
        var tombstones = includeContent ? await RetentionTombstones.IndexAfterAsync(db, -1, cancellationToken) : null;
        using (var data = new PackDataFiles(work, checkpoint.TreeSize, checkpoint.RootHash))
        {
            progress?.Report(new EvidenceProgress(EvidencePhases.Entries, 0, total));
            await foreach (var (group, plans, nodes) in ReadAheadAsync(db, selection, includeContent, checkpoint.TreeSize, cancellationToken))
            {
                for (var i = 0; i < group.Count; i++)
                {
                    var row = group[i];
                    var path = plans[i].Assemble(nodes);
                    Check(row, path, checkpoint);
                    data.Write(row, path);
                    var purgedBy = row.ContentPurged ? tombstones?.Covering(row.Sequence) : null;
                    // Content gone with no tombstone is what verify calls tampering: the pack says so, and so must the portal's alerts.
                    if (row.ContentPurged && purgedBy is null) alerts.Raise(row.Sequence, "content missing (no tombstone)", "evidence.export");
                    workbook.Add(row, checkpoint.TreeSize, purgedBy);
                    events++;
                    if (PackSelection.LifecycleTypes.Contains(row.Facts.Type)) promptChanges++;
                    if (row.Facts.Type == EventTypes.Access) accessEvents++;
                    if (row.Content is not null) contents++;
                    if (row.ContentPurged) purged++;
                }
                if (events - reported >= ProgressEveryRows)
                {
                    progress?.Report(new EvidenceProgress(EvidencePhases.Entries, events, Math.Max(total, events)));
                    reported = events;
                }
            }
            data.Complete();
        }
        var counts = new EvidenceCounts(events, promptChanges, accessEvents, contents, purged);

        var verifierKey = keys.Signer.Verifier.ToString();
        await File.WriteAllTextAsync(Path.Combine(work, EvidencePackFormat.Checkpoint), checkpoint.Note, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, EvidencePackFormat.VerifierKey), verifierKey + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, EvidencePackFormat.Readme),
            EvidenceReadme.Text(location.Origin, checkpoint.TreeSize, verifierKey), cancellationToken);
        workbook.Write(Path.Combine(work, EvidencePackFormat.Workbook),
            EvidenceSummary.Rows(selection, includeContent, counts, exporter, via, createdAt, checkpoint, location.Origin));
        return counts;
    }

    /// <summary>
    /// The pack's rows with the stored tree nodes their proofs need (one batched read a group), read one
    /// group ahead on another task: on two cores the database work for the next group overlaps the
    /// hashing and writing of this one. At most two groups wait, so memory stays bounded. Only the
    /// reading task touches the context.
    /// </summary>
    private async IAsyncEnumerable<(IReadOnlyList<PackRow> Rows, List<ProofPlan> Plans, Dictionary<NodeId, byte[]> Nodes)> ReadAheadAsync(
        LedgerDbContext db, PackSelection selection, bool includeContent, long treeSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ahead = Channel.CreateBounded<(IReadOnlyList<PackRow>, List<ProofPlan>, Dictionary<NodeId, byte[]>)>(
            new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var group in selection.ReadAsync(db, includeContent, alerts, stop.Token))
                {
                    var plans = group.Select(r => ProofPlan.Inclusion(r.Sequence, treeSize)).ToList();
                    var nodes = await TreeReader.ReadNodesAsync(db, plans.SelectMany(p => p.RequiredNodes), stop.Token);
                    await ahead.Writer.WriteAsync((group, plans, nodes), stop.Token);
                }
                ahead.Writer.Complete();
            }
            catch (Exception e)
            {
                // Handed to the consumer, which rethrows it (a cancellation as a cancellation).
                ahead.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in ahead.Reader.ReadAllAsync(cancellationToken)) yield return item;
        }
        finally
        {
            // The consumer stopped (done, failed or cancelled): stop the reader before the context goes.
            await stop.CancelAsync();
            await reader;
        }
    }

    /// <summary>The same checks verify-pack makes, on the way out: a pack that would not verify is never handed out.</summary>
    private void Check(PackRow row, IReadOnlyList<byte[]> path, PackCheckpoint checkpoint)
    {
        if (!MerkleHash.Leaf(row.Envelope).AsSpan().SequenceEqual(row.LeafHash))
            Fail(row.Sequence, "its envelope does not match its stored leaf hash");
        var inclusion = MerkleProofs.VerifyInclusion(row.Sequence, checkpoint.TreeSize, row.LeafHash, path, checkpoint.RootHash);
        if (!inclusion.IsValid) Fail(row.Sequence, $"its inclusion proof from the stored tree does not reach the checkpoint's root ({inclusion.Reason})");
        if (row.Content is { } content
            && (EnvelopeBinding.Read(row.Envelope)?.Commitment is not { } commitment
                || !Envelope.Commitment(content.Salt, content.Content).AsSpan().SequenceEqual(commitment)))
            Fail(row.Sequence, "its stored content does not match the envelope's commitment");
    }

    private void Fail(long sequence, string why)
    {
        alerts.Raise(sequence, why, "evidence.export");
        throw new EvidenceExportException($"Entry {sequence.ToString(CultureInfo.InvariantCulture)}: {why}. No pack was written; run `verify`.");
    }

    /// <summary>
    /// A checkpoint covering the ledger as it was when the export began: the checkpointer's publisher is
    /// asked for one at once (it signs the sealed head, so it covers at least that size). If publishing
    /// fails, the pack is bounded at the newest checkpoint there is, and its Summary says so.
    /// </summary>
    private async Task<PackCheckpoint> CheckpointAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var head = await TreeReader.TreeSizeAsync(db, cancellationToken);
        try
        {
            await publisher.PublishAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBounded(logger, e);
        }
        var latest = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .Select(c => new { c.TreeSize, c.Note }).FirstOrDefaultAsync(cancellationToken);
        return latest is null
            ? throw new EvidenceExportException("The ledger has no signed checkpoint, so no entry can be proven; see the log for why publishing one failed.")
            : Parse(latest.TreeSize, latest.Note, head);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An evidence export could not get a fresh checkpoint; the pack is bounded at the newest one")]
    private static partial void LogBounded(ILogger logger, Exception exception);

    private PackCheckpoint Parse(long treeSize, string note, long head)
    {
        try
        {
            var signed = SignedNote.Parse(note);
            var checkpoint = Checkpoint.ParseNoteText(signed.Text);
            if (signed.IsSignedBy(keys.Signer.Verifier) && checkpoint.Origin == location.Origin && checkpoint.TreeSize == treeSize)
                return new PackCheckpoint(treeSize, checkpoint.RootHash, note, head);
        }
        catch (FormatException)
        {
            // Reported below.
        }
        alerts.Raise(treeSize, "checkpoint", "evidence.export");
        throw new EvidenceExportException($"The newest checkpoint (tree size {treeSize}) is not one this ledger's key signed; no pack was written. Run `verify`.");
    }

    private static Dictionary<string, string> HashFiles(string work)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in EvidencePackFormat.HashedFiles)
        {
            using var file = File.OpenRead(Path.Combine(work, name));
            hashes[name] = Convert.ToHexStringLower(SHA256.HashData(file));
        }
        return hashes;
    }

    private byte[] Manifest(PackSelection selection, bool includeContent, EvidenceCounts counts, ActorRef exporter, string via, DateTime createdAt,
        PackCheckpoint checkpoint, IReadOnlyDictionary<string, string> files)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = PackDataFiles.Json.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("format", EvidencePackFormat.Format);
            json.WriteString("origin", location.Origin);
            json.WriteString("createdAt", Data.Canonical.Timestamps.ToCanonical(createdAt));
            json.WriteStartObject("exportedBy");
            json.WriteString("id", exporter.Id);
            json.WriteString("kind", exporter.Kind);
            json.WriteString("via", via);
            json.WriteEndObject();
            json.WriteStartObject("filters");
            foreach (var (name, value) in EvidenceFilters.Of(selection.Filters)) json.WriteString(name, value);
            json.WriteBoolean("includeContent", includeContent);
            json.WriteEndObject();
            json.WriteStartObject("counts");
            json.WriteNumber("events", counts.Events);
            json.WriteNumber("promptChanges", counts.PromptChanges);
            json.WriteNumber("accessEvents", counts.AccessEvents);
            json.WriteNumber("contents", counts.Contents);
            json.WriteNumber("purgedContents", counts.PurgedContents);
            json.WriteEndObject();
            json.WriteStartObject("checkpoint");
            json.WriteNumber("treeSize", checkpoint.TreeSize);
            json.WriteNumber("ledgerSizeAtExport", checkpoint.LedgerSize);
            json.WriteEndObject();
            json.WriteStartObject("files");
            foreach (var (name, hash) in files) json.WriteString(name, hash);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The files in the order an auditor reads them; the workbook is stored as is (it is a zip already).</summary>
    private static void Zip(string work, string destination, DateTime createdAt)
    {
        string[] order = [EvidencePackFormat.Readme, EvidencePackFormat.Manifest, EvidencePackFormat.ManifestSignature, EvidencePackFormat.Workbook,
            EvidencePackFormat.Entries, EvidencePackFormat.Contents, EvidencePackFormat.Proofs, EvidencePackFormat.Checkpoint, EvidencePackFormat.VerifierKey];
        using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var name in order)
        {
            var entry = zip.CreateEntry(name, name == EvidencePackFormat.Workbook ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
            entry.LastWriteTime = new DateTimeOffset(DateTime.SpecifyKind(createdAt, DateTimeKind.Utc));
            using var target = entry.Open();
            using var source = File.OpenRead(Path.Combine(work, name));
            source.CopyTo(target);
        }
    }

    private static Dictionary<string, string> AccessDetails(EvidenceRequest request, EvidenceCounts counts, string manifestSha256, string fileName,
        long treeSize, string via)
    {
        var details = (request.Filters with { IncludeContent = request.IncludeContent }).Describe();
        details["file"] = fileName;
        details["events"] = counts.Events.ToString(CultureInfo.InvariantCulture);
        details["promptChanges"] = counts.PromptChanges.ToString(CultureInfo.InvariantCulture);
        details["accessEvents"] = counts.AccessEvents.ToString(CultureInfo.InvariantCulture);
        details["contents"] = counts.Contents.ToString(CultureInfo.InvariantCulture);
        details["purgedContents"] = counts.PurgedContents.ToString(CultureInfo.InvariantCulture);
        details["treeSize"] = treeSize.ToString(CultureInfo.InvariantCulture);
        details["manifestSha256"] = manifestSha256;
        details["via"] = via;
        return details;
    }
}

/// <summary>The signed checkpoint every proof in a pack is against.</summary>
/// <param name="LedgerSize">The ledger's size when the export began; larger than TreeSize when the pack had to be bounded at an older checkpoint.</param>
internal sealed record PackCheckpoint(long TreeSize, byte[] RootHash, string Note, long LedgerSize)
{
    public bool Bounded => LedgerSize > TreeSize;
}
