using System.Text.Json.Nodes;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Signing;
using AuditPortal.Ledger.Checkpoints;
using AuditPortal.Tests.Tampering;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// verify-pack's checks, each shown to fail for its own reason: once as a pack holder without the key
/// would tamper (the manifest's hashes give it away), and once re-sealed with the ledger's own key, to
/// show the deeper check does not rest on the manifest (a bug in an exporter, or a stolen key, still
/// cannot make a wrong proof, leaf or content pass).
/// </summary>
[Collection("sqlite")]
public sealed class EvidencePackVerifierTests(EvidencePackFixture fixture) : IClassFixture<EvidencePackFixture>
{
    private PackTamperer Copy() => new(fixture.Pack);

    private PackVerification Verify(PackTamperer tampered, NoteVerifier? key = null) =>
        EvidencePackVerifier.Verify(tampered.Save(fixture.Folder), key ?? fixture.Key);

    private static void AssertFails(PackVerification result, string where, string reason)
    {
        Assert.True(result.Outcome == PackOutcome.Failed, result.ToString());
        Assert.Equal(where, result.Where);
        Assert.Contains(reason, result.Reason);
    }

    /// <summary>Changes one letter of a value: the application "claims" in an envelope, "question …" in a call's content.</summary>
    private static JsonObject SwapFirstLetter(JsonObject line, string field)
    {
        var bytes = Convert.FromBase64String((string)line[field]!);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var at = Math.Max(text.IndexOf("\"claims\"", StringComparison.Ordinal), text.IndexOf("question", StringComparison.Ordinal));
        Assert.True(at >= 0, text);
        bytes[at + 1] ^= 0x01;
        line[field] = Convert.ToBase64String(bytes);
        return line;
    }

    [Fact]
    public void ACleanPackPassesWithTheLedgersKeyAndOnItsOwnKeyOnlySaysSo()
    {
        var withKey = EvidencePackVerifier.Verify(fixture.Pack, fixture.Key);
        var withoutKey = EvidencePackVerifier.Verify(fixture.Pack, null);

        Assert.True(withKey.Outcome == PackOutcome.Passed, withKey.ToString());
        Assert.Equal(7, withKey.Facts!.Entries); // five calls, v1's creation and approval
        Assert.Equal(7, withKey.Facts.Contents);
        Assert.False(withKey.KeyFromPack);
        Assert.Equal(PackOutcome.Passed, withoutKey.Outcome);
        Assert.True(withoutKey.KeyFromPack);
        Assert.Equal(fixture.Key.ToString(), withoutKey.Key);
    }

    [Fact]
    public void AnEditedEnvelopeIsNamed()
    {
        var edited = Copy().EditLine(EvidencePackFormat.Entries, 3, l => SwapFirstLetter(l, "envelope"));
        AssertFails(Verify(edited), EvidencePackFormat.Entries, "does not match manifest.json");

        using var signer = fixture.LedgerSigner();
        var sequence = (long)JsonNode.Parse(edited.Text(EvidencePackFormat.Entries).Split('\n')[3])!["sequence"]!;
        AssertFails(Verify(edited.Reseal(signer)), $"entries.jsonl line 4 (sequence {sequence})", "leafHash is not SHA-256(0x00 ‖ envelope)");
    }

    [Fact]
    public void AnEnvelopeEditedWithItsLeafHashRecomputedFailsItsProof()
    {
        using var signer = fixture.LedgerSigner();
        var edited = Copy().EditLine(EvidencePackFormat.Entries, 2, l =>
        {
            SwapFirstLetter(l, "envelope");
            l["leafHash"] = Convert.ToHexStringLower(Data.Merkle.MerkleHash.Leaf(Convert.FromBase64String((string)l["envelope"]!)));
            return l;
        }).Reseal(signer);
        var sequence = (long)JsonNode.Parse(edited.Text(EvidencePackFormat.Entries).Split('\n')[2])!["sequence"]!;

        AssertFails(Verify(edited), $"proofs.json (sequence {sequence})", "does not lead to checkpoint.txt's root");
    }

    [Fact]
    public void ADroppedEntryIsNamed()
    {
        var dropped = Copy().DropLine(EvidencePackFormat.Entries, 1);
        AssertFails(Verify(dropped), EvidencePackFormat.Entries, "does not match manifest.json");

        using var signer = fixture.LedgerSigner();
        var sequence = (long)JsonNode.Parse(Copy().Text(EvidencePackFormat.Entries).Split('\n')[1])!["sequence"]!;
        AssertFails(Verify(dropped.Reseal(signer)), $"proofs.json (sequence {sequence})", "an entry was dropped");
    }

    [Fact]
    public void AnAlteredProofHashIsNamed()
    {
        var altered = Copy().EditJson(EvidencePackFormat.Proofs, p =>
        {
            var path = p["proofs"]![4]!["path"]!.AsArray();
            var hash = ((string)path[0]!).ToCharArray();
            hash[0] = hash[0] == '0' ? '1' : '0';
            path[0] = new string(hash);
        });
        AssertFails(Verify(altered), EvidencePackFormat.Proofs, "does not match manifest.json");

        using var signer = fixture.LedgerSigner();
        var sequence = (long)JsonNode.Parse(altered.Text(EvidencePackFormat.Proofs))!["proofs"]![4]!["sequence"]!;
        AssertFails(Verify(altered.Reseal(signer)), $"proofs.json (sequence {sequence})", "computed root does not match");
    }

    [Fact]
    public void AChangedContentByteIsNamed()
    {
        var changed = Copy().EditLine(EvidencePackFormat.Contents, 5, l => SwapFirstLetter(l, "content"));
        AssertFails(Verify(changed), EvidencePackFormat.Contents, "does not match manifest.json");

        using var signer = fixture.LedgerSigner();
        var sequence = (long)JsonNode.Parse(changed.Text(EvidencePackFormat.Contents).Split('\n')[5])!["sequence"]!;
        AssertFails(Verify(changed.Reseal(signer)), $"contents.jsonl line 6 (sequence {sequence})", "is not the envelope's commitment");
    }

    [Fact]
    public async Task ACheckpointSwappedForAnotherValidOneOfTheSameLedgerIsNamed()
    {
        var packed = Checkpoint.ParseNoteText(SignedNote.Parse(Copy().Text(EvidencePackFormat.Checkpoint)).Text);
        // Another checkpoint this ledger really signs, of a larger size: the ledger grew after the export.
        await Infrastructure.Events.PostAsync(fixture.Portal.Ingest, Infrastructure.Events.LlmCall($"later-{Guid.NewGuid():N}"));
        await fixture.Portal.Portal.Services.GetRequiredService<CheckpointPublisher>().PublishAsync(TestContext.Current.CancellationToken);
        var other = new Data.Anchors.AnchorDirectory(fixture.Portal.Ledger.AnchorDirectory).ReadAll().Last();
        Assert.NotEqual(packed.TreeSize, other.TreeSize);
        Assert.True(SignedNote.Parse(other.Note).IsSignedBy(fixture.Key));

        var swapped = Copy().Replace(EvidencePackFormat.Checkpoint, other.Note);
        AssertFails(Verify(swapped), EvidencePackFormat.Checkpoint, "does not match manifest.json");

        using var signer = fixture.LedgerSigner();
        AssertFails(Verify(swapped.Reseal(signer)), EvidencePackFormat.Proofs, $"treeSize {packed.TreeSize} is not the size of checkpoint.txt ({other.TreeSize})");
    }

    [Fact]
    public void AnEditedManifestIsNamed()
    {
        var edited = Copy().EditJson(EvidencePackFormat.Manifest, m => m["exportedBy"]!["id"] = "someone.else@example.com");
        AssertFails(Verify(edited), EvidencePackFormat.Manifest, "is not the");
        Assert.Contains("that manifest.sig signs", Verify(edited).Reason);
    }

    [Fact]
    public void APackResignedWithAnotherKeyFailsAgainstTheRealKey()
    {
        // A forger with a key of their own under the ledger's name re-signs everything and ships their key in the pack.
        using var forger = NoteSigner.Generate(fixture.Portal.Ledger.Origin);
        var original = Copy();
        var checkpointText = SignedNote.Parse(original.Text(EvidencePackFormat.Checkpoint)).Text;
        var forged = original
            .Replace(EvidencePackFormat.Checkpoint, SignedNote.Sign(checkpointText, forger))
            .Replace(EvidencePackFormat.VerifierKey, forger.Verifier + "\n")
            .EditLine(EvidencePackFormat.Entries, 3, l => SwapFirstLetter(l, "envelope"))
            .Reseal(forger);

        var againstRealKey = Verify(forged, fixture.Key);
        AssertFails(againstRealKey, EvidencePackFormat.ManifestSignature, $"no valid signature by the trusted key {fixture.Key}");
        // Trusting the pack's own key, the forgery is only caught by its edited entry: the reason --key exists.
        Assert.True(EvidencePackVerifier.Verify(forged.Save(fixture.Folder), null).KeyFromPack);
    }

    [Fact]
    public void AFileAddedToThePackIsNamed()
    {
        AssertFails(Verify(Copy().Replace("extra.txt", "hello")), "extra.txt", "not in manifest.json");
    }

    [Fact]
    public void AnUnreadableFileCannotBeChecked()
    {
        var missing = EvidencePackVerifier.Verify(Path.Combine(fixture.Folder, "no-such-pack.zip"), fixture.Key);
        var notZip = Path.Combine(fixture.Folder, "not-a-zip.zip");
        File.WriteAllText(notZip, "this is not a zip file");

        Assert.Equal(PackOutcome.CannotRun, missing.Outcome);
        Assert.Equal(PackOutcome.CannotRun, EvidencePackVerifier.Verify(notZip, fixture.Key).Outcome);
    }
}
