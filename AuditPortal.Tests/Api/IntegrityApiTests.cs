using System.Net;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Api;

/// <summary>Checkpoints and proofs as an outside auditor checks them: with the public key and the RFC 9162 verifier only.</summary>
public abstract class IntegrityApiTests(PortalFixture fixture)
{
    [Fact]
    public async Task CheckpointsAreSignedNotesAndProofsVerifyAgainstThem()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var receipts = (await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 13).Select(i => Events.LlmCall($"{tag}-{i}"))]))["receipts"]!.AsArray();
        var first = await WaitForCheckpointAsync((long)receipts[^1]!["sequence"]! + 1);

        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(13, 9).Select(i => Events.LlmCall($"{tag}-{i}"))]);
        var current = await TreeSizeAsync();
        var second = await WaitForCheckpointAsync(current);

        var proofReadsBefore = await ProofReadsAsync();
        // Inclusion of each receipt in the later checkpoint, with nothing but the receipt and public data.
        foreach (var receipt in receipts)
        {
            var sequence = (long)receipt!["sequence"]!;
            var proof = await Events.GetJsonAsync(fixture.Reader, $"/api/v1/proofs/inclusion?sequence={sequence}&treeSize={second.TreeSize}");
            Assert.Equal((string)receipt["leafHash"]!, (string)proof["leafHash"]!);
            var path = proof["path"]!.AsArray().Select(h => Convert.FromHexString((string)h!)).ToList();
            var check = MerkleProofs.VerifyInclusion(sequence, second.TreeSize, Convert.FromHexString((string)receipt["leafHash"]!), path, second.RootHash);
            Assert.True(check.IsValid, check.Reason);
        }

        var consistency = await Events.GetJsonAsync(fixture.Reader, $"/api/v1/proofs/consistency?from={first.TreeSize}&to={second.TreeSize}");
        var consistencyPath = consistency["path"]!.AsArray().Select(h => Convert.FromHexString((string)h!)).ToList();
        var result = MerkleProofs.VerifyConsistency(first.TreeSize, second.TreeSize, first.RootHash, second.RootHash, consistencyPath);
        Assert.True(result.IsValid, result.Reason);

        // Every proof handed out was recorded as the auditor's access.
        Assert.Equal(proofReadsBefore + receipts.Count + 1, await ProofReadsAsync());
    }

    [Fact]
    public async Task CheckpointsAreAnchoredOutsideTheDatabase()
    {
        await Events.PostAsync(fixture.Ingest, Events.LlmCall("anchor-" + Guid.NewGuid().ToString("N")));
        var checkpoint = await WaitForCheckpointAsync(await TreeSizeAsync());
        var anchored = new AnchorDirectory(fixture.Ledger.AnchorDirectory).ReadAll().ToList();
        Assert.Contains(anchored, a => a.TreeSize == checkpoint.TreeSize);
    }

    [Fact]
    public async Task CheckpointsAndTheKeyArePublicButProofsNeedAReadKey()
    {
        using var anonymous = fixture.Portal.CreateClient();
        await Events.PostAsync(fixture.Ingest, Events.LlmCall("public-" + Guid.NewGuid().ToString("N")));
        await WaitForCheckpointAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/checkpoints/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/checkpoints/key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/proofs/inclusion?sequence=0")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/proofs/consistency?from=1&to=1")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/proofs/inclusion?sequence=0&treeSize=999999999", "treeSize")]
    [InlineData("/api/v1/proofs/inclusion?sequence=5&treeSize=5", "sequence")]
    [InlineData("/api/v1/proofs/inclusion?sequence=-1", "sequence")]
    [InlineData("/api/v1/proofs/inclusion", "sequence")]
    [InlineData("/api/v1/proofs/consistency?from=0&to=1", "from")]
    [InlineData("/api/v1/proofs/consistency?from=2&to=1", "from")]
    [InlineData("/api/v1/proofs/consistency?from=1&to=999999999", "to")]
    public async Task ProofsOnlyForSizesTheLogHasReached(string url, string field)
    {
        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 6).Select(_ => Events.LlmCall("size-" + Guid.NewGuid().ToString("N")))]);
        var response = await fixture.Reader.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    private Task<long> ProofReadsAsync() => fixture.Ledger.ScalarAsync(
        "SELECT COUNT(*) FROM ledger_entries WHERE type = 'access' AND actor_id = 'auditor' AND search_text LIKE '%proofs.%'");

    private async Task<long> TreeSizeAsync() => await fixture.Ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");

    /// <summary>Waits (bounded) for the checkpointer to cover <paramref name="size"/>; the key comes from the public endpoint.</summary>
    private async Task<Checkpoint> WaitForCheckpointAsync(long size)
    {
        using var anonymous = fixture.Portal.CreateClient();
        var key = NoteVerifier.Parse(await anonymous.GetStringAsync("/api/v1/checkpoints/key"));
        Checkpoint? covering = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            var response = await anonymous.GetAsync("/api/v1/checkpoints/latest");
            if (!response.IsSuccessStatusCode) return false;
            var note = SignedNote.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(note.IsSignedBy(key), "the checkpoint's signature does not verify with the published key");
            var checkpoint = Checkpoint.ParseNoteText(note.Text);
            Assert.Equal(fixture.Ledger.Origin, checkpoint.Origin);
            covering = checkpoint.TreeSize >= size ? checkpoint : null;
            return covering is not null;
        }, $"no checkpoint covering {size} entries");
        return covering!;
    }
}

[Collection("sqlite")]
public sealed class SqliteIntegrityApiTests(SqlitePortalFixture fixture) : IntegrityApiTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresIntegrityApiTests(PostgresPortalFixture fixture) : IntegrityApiTests(fixture), IClassFixture<PostgresPortalFixture>;
