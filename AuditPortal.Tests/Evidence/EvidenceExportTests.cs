using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Retention;
using AuditPortal.Data.Signing;
using AuditPortal.Features.Evidence;
using AuditPortal.Features.Retention;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>The exporter as the evidence page and the CLI call it, on the real ledger; the packs are read back file by file.</summary>
public abstract class EvidenceExportTests(PortalFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("evidence-test-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private EvidenceExporter Exporter => fixture.Portal.Services.GetRequiredService<EvidenceExporter>();
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    internal static EventQuery Parse(string queryString)
    {
        var errors = new FieldErrors();
        var query = EventQueryParser.Parse(QueryHelpers.ParseQuery(queryString), errors);
        Assert.False(errors.Any);
        return query;
    }

    /// <summary>Prompt v1 written, approved and published by three people, v2 only written; three calls of one application used v1.</summary>
    private async Task<string> SeedAsync(string tag)
    {
        var prompt = $"reply-{tag}";
        await Events.PostAsync(fixture.Ingest,
            Events.PromptCreated($"{tag}-c1", prompt, 1, "alice@example.com"),
            Events.PromptDecision($"{tag}-a1", "prompt.version.approved", prompt, 1, "bob@example.com"),
            Events.PromptDecision($"{tag}-p1", "prompt.version.published", prompt, 1, "carol@example.com"),
            Events.PromptCreated($"{tag}-c2", prompt, 2, "dave@example.com", parent: 1));
        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 3).Select(i =>
            Events.LlmCall($"{tag}-call-{i}", application: $"app-{tag}", prompt: (prompt, 1), text: $"question {i} {tag}"))]);
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-other", application: $"other-{tag}"));
        return prompt;
    }

    [Fact]
    public async Task APackHoldsTheSelectedCallsAndTheHistoryOfThePromptVersionTheyUsedEachProvenAgainstOneSignedCheckpoint()
    {
        var tag = Tag();
        await SeedAsync(tag);
        var filters = Parse($"?application=app-{tag}");
        var exporter = new ActorRef($"manager-{tag}@example.com", ActorKinds.User);
        var destination = Path.Combine(_folder, "evidence-test.zip");

        var preview = await Exporter.PreviewAsync(filters, includeContent: true, Ct);
        var result = await Exporter.ExportAsync(new EvidenceRequest(filters, IncludeContent: true), exporter, "dashboard", destination, null, Ct);

        // Three calls, plus v1's creation, approval and publication (v2 was not used, so its creation is not in the pack).
        Assert.Equal(new EvidenceCounts(Events: 6, PromptChanges: 3, AccessEvents: 0, Contents: 6, PurgedContents: 0), result.Counts);
        Assert.Equal((6, 3, 0, 6), (preview.Events, preview.PromptChanges, preview.AccessEvents, preview.Contents));
        Assert.True(preview.EstimatedBytes > 0);
        Assert.Equal("evidence-test.zip", result.FileName);
        Assert.Equal(new FileInfo(destination).Length, result.Bytes);
        Assert.Equal([destination], Directory.GetFileSystemEntries(_folder)); // no work folder or temporary file left

        using var pack = ZipFile.OpenRead(destination);
        Assert.Equal([.. EvidencePackFormat.HashedFiles, EvidencePackFormat.Manifest, EvidencePackFormat.ManifestSignature],
            pack.Entries.Select(e => e.FullName).OrderBy(n => Array.IndexOf([.. EvidencePackFormat.HashedFiles, EvidencePackFormat.Manifest, EvidencePackFormat.ManifestSignature], n)));
        var key = fixture.Ledger.VerifierKey();

        // manifest.sig signs the manifest's hash; the manifest lists every other file's hash.
        var manifestBytes = Bytes(pack, EvidencePackFormat.Manifest);
        Assert.Equal(result.ManifestSha256, Convert.ToHexStringLower(SHA256.HashData(manifestBytes)));
        var signature = SignedNote.Parse(Text(pack, EvidencePackFormat.ManifestSignature));
        Assert.Equal($"auditportal/evidence/v1\n{fixture.Ledger.Origin}\n{result.ManifestSha256}\n", signature.Text);
        Assert.True(signature.IsSignedBy(key));
        var manifest = JsonNode.Parse(manifestBytes)!;
        Assert.Equal("auditportal-evidence/v1", (string)manifest["format"]!);
        Assert.Equal(fixture.Ledger.Origin, (string)manifest["origin"]!);
        Assert.Equal(exporter.Id, (string)manifest["exportedBy"]!["id"]!);
        Assert.Equal($"app-{tag}", (string)manifest["filters"]!["application"]!);
        Assert.Equal(6, (long)manifest["counts"]!["events"]!);
        foreach (var name in EvidencePackFormat.HashedFiles)
            Assert.Equal((string)manifest["files"]![name]!, Convert.ToHexStringLower(SHA256.HashData(Bytes(pack, name))));

        // One signed checkpoint; every entry's leaf hash and proof lead to its root.
        var checkpointNote = SignedNote.Parse(Text(pack, EvidencePackFormat.Checkpoint));
        Assert.True(checkpointNote.IsSignedBy(key));
        var checkpoint = Checkpoint.ParseNoteText(checkpointNote.Text);
        var proofs = JsonNode.Parse(Bytes(pack, EvidencePackFormat.Proofs))!;
        Assert.Equal(checkpoint.TreeSize, (long)proofs["treeSize"]!);
        Assert.Equal(Convert.ToHexStringLower(checkpoint.RootHash), (string)proofs["rootHash"]!);
        var paths = proofs["proofs"]!.AsArray().ToDictionary(p => (long)p!["sequence"]!, p => p!["path"]!.AsArray().Select(h => Convert.FromHexString((string)h!)).ToList());
        var entries = Lines(pack, EvidencePackFormat.Entries);
        Assert.Equal(6, entries.Count);
        Assert.Equal(entries.Select(e => (long)e["sequence"]!).Order(), entries.Select(e => (long)e["sequence"]!));
        var commitments = new Dictionary<long, string>();
        var types = new List<string>();
        foreach (var entry in entries)
        {
            var sequence = (long)entry["sequence"]!;
            var envelope = Convert.FromBase64String((string)entry["envelope"]!);
            var leaf = MerkleHash.Leaf(envelope);
            Assert.Equal((string)entry["leafHash"]!, Convert.ToHexStringLower(leaf));
            Assert.True(MerkleProofs.VerifyInclusion(sequence, checkpoint.TreeSize, leaf, paths[sequence], checkpoint.RootHash).IsValid);
            var parsed = JsonNode.Parse(envelope)!;
            Assert.Equal(sequence, (long)parsed["sequence"]!);
            commitments[sequence] = ((string)parsed["content"]!)["sha256:".Length..];
            types.Add((string)parsed["type"]!);
        }
        Assert.Equal(["prompt.version.created", "prompt.version.approved", "prompt.version.published", "llm.call", "llm.call", "llm.call"], types);
        Assert.Equal(6, paths.Count);

        // Each disclosed content matches its envelope's commitment.
        var contents = Lines(pack, EvidencePackFormat.Contents);
        Assert.Equal(commitments.Keys, contents.Select(c => (long)c["sequence"]!));
        foreach (var content in contents)
        {
            var bytes = Convert.FromBase64String((string)content["content"]!);
            Assert.Equal(commitments[(long)content["sequence"]!],
                Convert.ToHexStringLower(Envelope.Commitment(Convert.FromHexString((string)content["salt"]!), bytes)));
        }
        Assert.Contains($"question 2 {tag}", Encoding.UTF8.GetString(Convert.FromBase64String((string)contents[^1]["content"]!)));
        Assert.Equal(key.ToString() + "\n", Text(pack, EvidencePackFormat.VerifierKey));

        var verification = EvidencePackVerifier.Verify(destination, key);
        Assert.True(verification.Outcome == PackOutcome.Passed, verification.ToString());

        // The export is an access event naming the filters, the counts and the manifest's hash.
        var recorded = await AccessEventsOfAsync(exporter.Id);
        var attributes = Assert.Single(recorded);
        Assert.Equal("evidence.export", (string)attributes["action"]!);
        Assert.Equal(result.ManifestSha256, (string)attributes["manifestSha256"]!);
        Assert.Equal($"app-{tag}", (string)attributes["filter.application"]!);
        Assert.Equal("6", (string)attributes["events"]!);
        Assert.Equal("dashboard", (string)attributes["via"]!);
    }

    [Fact]
    public async Task WithoutContentThePackHoldsEnvelopesButNoContent()
    {
        var tag = Tag();
        await SeedAsync(tag);
        var filters = Parse($"?application=app-{tag}");
        var destination = Path.Combine(_folder, "no-content.zip");

        var preview = await Exporter.PreviewAsync(filters, includeContent: false, Ct);
        var result = await Exporter.ExportAsync(new EvidenceRequest(filters, IncludeContent: false), new ActorRef($"m-{tag}", ActorKinds.User), "cli",
            destination, null, Ct);

        Assert.Equal(new EvidenceCounts(6, 3, 0, 0, 0), result.Counts);
        Assert.Equal(0, preview.Contents);
        using var pack = ZipFile.OpenRead(destination);
        Assert.Empty(Bytes(pack, EvidencePackFormat.Contents));
        Assert.Equal(6, Lines(pack, EvidencePackFormat.Entries).Count);
    }

    [Fact]
    public async Task APurgedContentIsCountedAndMarkedPurgedAndThePackStillVerifies()
    {
        var tag = Tag();
        await SeedAsync(tag);
        long call;
        await using (var db = fixture.Ledger.OpenContext())
        {
            call = await db.Entries.Where(e => e.EventId == $"{tag}-call-1").Select(e => e.Sequence).SingleAsync(Ct);
            // A content row gone without a tombstone (retention's own purges are below): the envelope stays.
            await new Tampering.Attacker(fixture.Ledger).DisableTriggersAsync();
            await fixture.Ledger.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {call}");
        }
        var destination = Path.Combine(_folder, "purged.zip");

        var result = await Exporter.ExportAsync(new EvidenceRequest(Parse($"?application=app-{tag}"), true), new ActorRef($"m-{tag}", ActorKinds.User),
            "dashboard", destination, null, Ct);

        Assert.Equal(new EvidenceCounts(6, 3, 0, 5, 1), result.Counts);
        Assert.Equal(PackOutcome.Passed, EvidencePackVerifier.Verify(destination, fixture.Ledger.VerifierKey()).Outcome);
        using var pack = ZipFile.OpenRead(destination);
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(Bytes(pack, EvidencePackFormat.Workbook)));
        var events = workbook.Worksheet("Events");
        Assert.Equal(["disclosed", "disclosed", "disclosed", "disclosed", "purged, and no retention tombstone covers it", "disclosed"],
            Enumerable.Range(2, 6).Select(r => events.Cell(r, 17).GetString()));
        Assert.Equal("1", workbook.Worksheet("Summary").RowsUsed().Single(r => r.Cell(1).GetString() == "Contents purged").Cell(2).GetString());
        // What verify calls tampering is an integrity alert of the portal too, where /health/ready and the integrity page show it.
        var alert = fixture.Portal.Services.GetRequiredService<IntegrityAlerts>().Latest;
        Assert.Equal((call, "evidence.export"), (alert?.Sequence, alert?.Read));
    }

    [Fact]
    public async Task ContentRetentionPurgedIsMarkedWithThePolicyTheDateAndTheTombstone()
    {
        var application = $"retained-{Tag()}";
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{application}-old", application: application, at: DateTimeOffset.UtcNow.AddDays(-400)));
        var retention = fixture.Portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(new ActorRef("ada.admin@example.com", ActorKinds.User), new RetentionScope(null, application, null), 180, Ct);
        await retention.ConfirmAsync(new ActorRef("ben.admin@example.com", ActorKinds.User), proposal.Id!, Ct);
        Assert.Equal(1, (await fixture.Portal.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(Ct)).Sum(p => p.Purged));
        var destination = Path.Combine(_folder, "retained.zip");

        var result = await Exporter.ExportAsync(new EvidenceRequest(Parse($"?application={application}"), true), new ActorRef("m-retained", ActorKinds.User),
            "dashboard", destination, null, Ct);

        Assert.Equal(1, result.Counts.PurgedContents);
        Assert.Equal(PackOutcome.Passed, EvidencePackVerifier.Verify(destination, fixture.Ledger.VerifierKey()).Outcome);
        using var pack = ZipFile.OpenRead(destination);
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(Bytes(pack, EvidencePackFormat.Workbook)));
        Assert.Matches($@"^purged under retention policy policy-[0-9a-f]{{12}} \(180 days\) on {DateTime.UtcNow:yyyy-MM-dd} \(tombstone \d+\)$",
            workbook.Worksheet("Events").Cell(2, 17).GetString());
    }

    [Fact]
    public async Task ACancelledExportLeavesNoFileAndRecordsNothing()
    {
        var tag = Tag();
        await SeedAsync(tag);
        var exporter = new ActorRef($"canceller-{tag}", ActorKinds.User);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new Immediate(p => { if (p.Phase == EvidencePhases.Entries) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Exporter.ExportAsync(
            new EvidenceRequest(Parse($"?application=app-{tag}"), true), exporter, "dashboard", Path.Combine(_folder, "cancelled.zip"), progress, cancel.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_folder));
        Assert.Empty(await AccessEventsOfAsync(exporter.Id));
    }

    [Fact]
    public async Task AnExportNeverOverwritesAnExistingFile()
    {
        var destination = Path.Combine(_folder, "exists.zip");
        await File.WriteAllTextAsync(destination, "an earlier pack", Ct);

        await Assert.ThrowsAsync<EvidenceExportException>(() => Exporter.ExportAsync(
            new EvidenceRequest(Parse("?type=llm.call"), true), new ActorRef("m", ActorKinds.User), "cli", destination, null, Ct));

        Assert.Equal("an earlier pack", await File.ReadAllTextAsync(destination, Ct));
    }

    private async Task<List<JsonObject>> AccessEventsOfAsync(string actor)
    {
        await using var db = fixture.Ledger.OpenContext();
        var envelopes = await db.Entries.AsNoTracking().Where(e => e.Type == EventTypes.Access && e.ActorId == actor)
            .Select(e => e.Envelope).ToListAsync(Ct);
        return [.. envelopes.Select(e => JsonNode.Parse(e)!["attributes"]!.AsObject())];
    }

    internal static byte[] Bytes(ZipArchive pack, string name)
    {
        using var stream = pack.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static string Text(ZipArchive pack, string name) => Encoding.UTF8.GetString(Bytes(pack, name));

    internal static List<JsonNode> Lines(ZipArchive pack, string name) =>
        [.. Text(pack, name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];

    /// <summary>Reports on the exporter's own thread, so a test can act at an exact phase.</summary>
    private sealed class Immediate(Action<EvidenceProgress> report) : IProgress<EvidenceProgress>
    {
        public void Report(EvidenceProgress value) => report(value);
    }
}

[Collection("sqlite")]
public sealed class SqliteEvidenceExportTests(SqlitePortalFixture fixture) : EvidenceExportTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresEvidenceExportTests(PostgresPortalFixture fixture) : EvidenceExportTests(fixture), IClassFixture<PostgresPortalFixture>;
