using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// Each test tampers with a real database the way a DBA could, then asserts that verification names
/// the first bad entry (or the forged checkpoint) and why.
/// </summary>
public abstract class TamperTests(LedgerProvider provider) : IAsyncLifetime
{
    private const long Target = 25;
    private TestLedger _ledger = null!;
    private Attacker _attacker = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await FilledLedger.CreateAsync(provider);
        _attacker = new Attacker(_ledger);
        var clean = await _ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
        Assert.Empty(clean.Warnings);
        Assert.Equal(FilledLedger.Size, clean.Entries);
    }

    public async ValueTask DisposeAsync()
    {
        await _ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<VerificationFailure> FirstFailureAsync()
    {
        var result = await _ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a tampered ledger");
        return result.FirstFailure!;
    }

    [Fact]
    public async Task TriggersRefuseUpdatesAndDeletesOfAppendOnlyRowsButAllowPurgingContent()
    {
        foreach (var sql in new[]
                 {
                     $"UPDATE ledger_entries SET actor_id = 'mallory' WHERE sequence = {Target}",
                     $"DELETE FROM ledger_entries WHERE sequence = {Target}",
                     "DELETE FROM tree_nodes",
                     "UPDATE ledger_seals SET key_id = 1",
                     "DELETE FROM checkpoints",
                     $"UPDATE ledger_contents SET content = salt WHERE sequence = {Target}",
                 })
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => _attacker.ExecuteAsync(sql));

        Assert.Equal(1, await _attacker.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {Target}"));
    }

    [Fact]
    public async Task EditedContentIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        var content = System.Text.Encoding.UTF8.GetString(await _attacker.ReadAsync("ledger_contents", "content", Target));
        await _attacker.WriteAsync("ledger_contents", "content", Target,
            System.Text.Encoding.UTF8.GetBytes(content.Replace("covers windscreens", "covers everything", StringComparison.Ordinal)));

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.BadCommitment), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task AMissingContentRowIsNamedAsMissingNotEdited()
    {
        await _attacker.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {Target}");

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.ContentMissing), (failure.Sequence, failure.Kind));
        Assert.StartsWith("content missing (no tombstone)", failure.Reason);
    }

    [Theory]
    [InlineData("event_id")]
    [InlineData("type")]
    [InlineData("occurred_at")]
    [InlineData("recorded_at")]
    [InlineData("actor_id")]
    [InlineData("actor_kind")]
    [InlineData("submitted_by")]
    [InlineData("application")]
    [InlineData("model")]
    [InlineData("provider")]
    [InlineData("prompt_name")]
    [InlineData("prompt_version")]
    [InlineData("search_text")]
    public async Task AnEditedCopyColumnIsNamed(string column)
    {
        // The envelope stays untouched: only the copy that filters and search select on changes.
        await _attacker.DisableTriggersAsync();
        await _attacker.SetAsync("ledger_entries", column, Target, column switch
        {
            "occurred_at" or "recorded_at" => new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc),
            "prompt_version" => 7,
            "actor_kind" => "service",
            _ => "forged " + column,
        });

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.CopyColumnMismatch), (failure.Sequence, failure.Kind));
        Assert.Contains($"column {column} ", failure.Reason);
    }

    [Fact]
    public async Task ANulledCopyColumnIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.SetAsync("ledger_entries", "model", Target, null);

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.CopyColumnMismatch), (failure.Sequence, failure.Kind));
        Assert.Contains("column model ", failure.Reason);
    }

    [Fact]
    public async Task AnEventIdFreedAndSentAgainIsNamedAsADuplicateWithBothSequences()
    {
        // The attack of issue 6 §1: free an id by editing its copy column, have the same service send it
        // again (a second envelope with that id), then put the copy back so every row matches its envelope.
        const string id = "call-2-4";
        await _attacker.DisableTriggersAsync();
        await _attacker.DropIndexesOnAsync("ledger_entries", "event_id");
        await _attacker.SetAsync("ledger_entries", "event_id", Target, "freed");
        await using (var portal = new PortalFactory(_ledger, TimeSpan.FromMilliseconds(100)))
        {
            var client = portal.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FilledLedger.IngestKey(_ledger));
            var receipt = (await Events.PostAsync(client, Events.LlmCall(id, actor: "alice", text: "asked again")))["receipts"]![0]!;
            Assert.Equal((FilledLedger.Size, false), ((long)receipt["sequence"]!, (bool)receipt["duplicate"]!));
        }
        await _attacker.SetAsync("ledger_entries", "event_id", Target, id);

        var result = await _ledger.VerifyAsync();
        var failure = Assert.Single(result.Failures);
        Assert.Equal((FilledLedger.Size, FailureKind.DuplicateEventId), (failure.Sequence, failure.Kind));
        Assert.Contains($"sequences {Target} and {FilledLedger.Size}", failure.Reason);
        Assert.Contains($"\"{id}\"", failure.Reason);
    }

    [Fact]
    public async Task DeletedAnchorFilesAreAWarningUnlessAnchorsAreRequired()
    {
        var files = Directory.GetFiles(_ledger.AnchorDirectory, "checkpoint-*.txt").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 2, "the filled ledger has at least two anchored checkpoints");
        File.Delete(files[0]);

        var relaxed = await _ledger.VerifyAsync();
        Assert.True(relaxed.Intact, relaxed.FirstFailure?.ToString());
        Assert.Contains("1 checkpoint(s) have no anchor file", Assert.Single(relaxed.Warnings));

        var strict = await _ledger.VerifyAsync(requireAnchors: true);
        var failure = Assert.Single(strict.Failures);
        Assert.Equal(FailureKind.MissingAnchor, failure.Kind);
        Assert.Contains("no anchor file", failure.Reason);
    }

    [Fact]
    public async Task AnEditedEnvelopeIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.EditEnvelopeAsync(Target, "\"alice\"", "\"mallory\"", rehash: false);

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.LeafMismatch), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task AnEditedEnvelopeWithEveryStoredHashRecomputedIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.EditEnvelopeAsync(Target, "\"alice\"", "\"mallory\"", rehash: true);

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.SealMismatch), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task RewritingTheSealToMatchBreaksItsSignature()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.EditEnvelopeAsync(Target, "\"alice\"", "\"mallory\"", rehash: true);
        // The attacker also patches the sealed leaf list; without the key the seal no longer verifies.
        await using (var connection = _ledger.OpenConnection())
        {
            await using var read = Attacker.Command(connection, "SELECT tree_size, first_sequence, leaf_hashes FROM ledger_seals WHERE first_sequence <= @t AND tree_size > @t", ("t", Target));
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var (size, first, leaves) = (reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2]);
            await reader.DisposeAsync();
            var leaf = await _attacker.ReadAsync("ledger_entries", "leaf_hash", Target);
            leaf.CopyTo(leaves, (int)(Target - first) * MerkleHash.Size);
            await using var write = Attacker.Command(connection, "UPDATE ledger_seals SET leaf_hashes = @l WHERE tree_size = @s", ("l", leaves), ("s", size));
            await write.ExecuteNonQueryAsync();
        }

        var failure = await FirstFailureAsync();
        Assert.Equal(FailureKind.BadSeal, failure.Kind);
        Assert.True(failure.Sequence <= Target && Target - failure.Sequence < FilledLedger.BatchSize, failure.ToString());
        Assert.Contains("signature", failure.Reason);
    }

    [Fact]
    public async Task ADeletedMiddleRowIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.ExecuteAsync($"DELETE FROM ledger_entries WHERE sequence = {Target}");
        await _attacker.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {Target}");

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.MissingEntry), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task AForgedRowAppendedOutsideThePortalIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        // A perfect copy of a real row under the next free position, hashes and tree recomputed.
        var envelope = System.Text.Encoding.UTF8.GetString(await _attacker.ReadAsync("ledger_entries", "envelope", Target))
            .Replace($"\"sequence\":{Target},", $"\"sequence\":{FilledLedger.Size},", StringComparison.Ordinal)
            .Replace("\"call-2-4\"", "\"forged-1\"", StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(envelope);
        await using (var connection = _ledger.OpenConnection())
        {
            await using var insert = Attacker.Command(connection,
                "INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash) " +
                "SELECT @n, 'forged-1', type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, @e, @h FROM ledger_entries WHERE sequence = @t",
                ("n", FilledLedger.Size), ("e", bytes), ("h", MerkleHash.Leaf(bytes)), ("t", Target));
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            await using var content = Attacker.Command(connection,
                "INSERT INTO ledger_contents (sequence, salt, content) SELECT @n, salt, content FROM ledger_contents WHERE sequence = @t",
                ("n", FilledLedger.Size), ("t", Target));
            await content.ExecuteNonQueryAsync();
        }
        await _attacker.RebuildTreeNodesAsync();

        var failure = await FirstFailureAsync();
        Assert.Equal((FilledLedger.Size, FailureKind.NotSealed), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task TwoSwappedRowsAreNamed()
    {
        await _attacker.DisableTriggersAsync();
        const long other = Target + 13;
        foreach (var (table, column) in new[] { ("ledger_entries", "envelope"), ("ledger_entries", "leaf_hash"), ("ledger_contents", "content"), ("ledger_contents", "salt") })
        {
            var a = await _attacker.ReadAsync(table, column, Target);
            var b = await _attacker.ReadAsync(table, column, other);
            await _attacker.WriteAsync(table, column, Target, b);
            await _attacker.WriteAsync(table, column, other, a);
        }

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.Order), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task ATailTruncatedBelowTheLastCheckpointIsNamed()
    {
        await _attacker.DisableTriggersAsync();
        await _attacker.ExecuteAsync($"DELETE FROM ledger_entries WHERE sequence >= {Target}");
        await _attacker.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence >= {Target}");

        var failure = await FirstFailureAsync();
        Assert.Equal((Target, FailureKind.Truncated), (failure.Sequence, failure.Kind));
    }

    [Fact]
    public async Task ATailTruncatedWithItsSealsAndCheckpointsIsStillNamedFromTheAnchors()
    {
        // A thorough attacker removes everything after entry 30 (the end of a sealed append), tree
        // nodes, seals and checkpoints included. Only the anchor directory, out of their reach, remembers.
        const long cut = 1 + 3 * FilledLedger.BatchSize;
        await _attacker.DisableTriggersAsync();
        foreach (var sql in new[]
                 {
                     $"DELETE FROM ledger_entries WHERE sequence >= {cut}",
                     $"DELETE FROM ledger_contents WHERE sequence >= {cut}",
                     $"DELETE FROM tree_nodes WHERE node_key >= {cut * 64}",
                     $"DELETE FROM ledger_seals WHERE tree_size > {cut}",
                     $"DELETE FROM checkpoints WHERE tree_size > {cut}",
                 })
            await _attacker.ExecuteAsync(sql);

        var failure = await FirstFailureAsync();
        Assert.Equal((cut, FailureKind.Truncated), (failure.Sequence, failure.Kind));
        Assert.Contains("anchored checkpoint", failure.Reason);
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("other-key")]
    [InlineData("wrong-origin")]
    public async Task AForgedCheckpointIsNamed(string forgery)
    {
        await _attacker.DisableTriggersAsync();
        const long size = Target + 2;
        byte[] root;
        await using (var db = _ledger.OpenContext()) root = await TreeReader.RootAsync(db, size, TestContext.Current.CancellationToken);
        using var realKey = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(_ledger.KeyFile, TestContext.Current.CancellationToken));
        using var otherKey = NoteSigner.Generate(_ledger.Origin);
        var note = forgery switch
        {
            "bad-signature" => Corrupt(SignedNote.Sign(new Checkpoint(_ledger.Origin, size, root).ToNoteText(), realKey)),
            "other-key" => SignedNote.Sign(new Checkpoint(_ledger.Origin, size, root).ToNoteText(), otherKey),
            _ => SignedNote.Sign(new Checkpoint("evil.example/log", size, root).ToNoteText(), realKey),
        };
        await using (var connection = _ledger.OpenConnection())
        {
            await using var insert = Attacker.Command(connection,
                "INSERT INTO checkpoints (tree_size, root_hash, note, key_id, created_at) SELECT @s, @r, @n, key_id, created_at FROM checkpoints ORDER BY tree_size LIMIT 1",
                ("s", size), ("r", root), ("n", note));
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var failure = await FirstFailureAsync();
        Assert.Equal((size, FailureKind.BadCheckpoint), (failure.CheckpointSize, failure.Kind));
        Assert.Contains(forgery switch { "bad-signature" => "invalid signature", "other-key" => "not signed by a trusted key", _ => "origin" }, failure.Reason);
    }

    /// <summary>
    /// verify checks an anchor file's signature only where its text is not exactly the note of a
    /// checkpoint row it has just verified: a file whose text differs is checked on its own.
    /// </summary>
    [Fact]
    public async Task AForgedAnchorFileIsNamedWhereItsCheckpointRowIsSound()
    {
        var file = Directory.GetFiles(_ledger.AnchorDirectory, "checkpoint-*.txt").Order(StringComparer.Ordinal).First();
        var size = long.Parse(Path.GetFileNameWithoutExtension(file)["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(file, Corrupt(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken);

        var result = await _ledger.VerifyAsync();

        var failure = Assert.Single(result.Failures);
        Assert.Equal((size, FailureKind.BadCheckpoint), (failure.CheckpointSize, failure.Kind));
        Assert.Contains("anchor file", failure.Reason);
        Assert.Contains("invalid signature", failure.Reason);
    }

    [Fact]
    public async Task AForgedCheckpointRowAndTheSameForgedAnchorFileAreBothNamed()
    {
        await _attacker.DisableTriggersAsync();
        const long size = Target + 2;
        byte[] root;
        await using (var db = _ledger.OpenContext()) root = await TreeReader.RootAsync(db, size, TestContext.Current.CancellationToken);
        using var realKey = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(_ledger.KeyFile, TestContext.Current.CancellationToken));
        var forged = Corrupt(SignedNote.Sign(new Checkpoint(_ledger.Origin, size, root).ToNoteText(), realKey));
        await using (var connection = _ledger.OpenConnection())
        {
            await using var insert = Attacker.Command(connection,
                "INSERT INTO checkpoints (tree_size, root_hash, note, key_id, created_at) SELECT @s, @r, @n, key_id, created_at FROM checkpoints ORDER BY tree_size LIMIT 1",
                ("s", size), ("r", root), ("n", forged));
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        await new AnchorDirectory(_ledger.AnchorDirectory).WriteAsync(size, forged, TestContext.Current.CancellationToken);

        var result = await _ledger.VerifyAsync();

        Assert.Equal(["anchor file", "checkpoint row"],
            result.Failures.Where(f => f.CheckpointSize == size && f.Reason.Contains("invalid signature"))
                .Select(f => f.Reason.StartsWith("anchor file", StringComparison.Ordinal) ? "anchor file" : "checkpoint row").Order());
    }

    private static string Corrupt(string note)
    {
        var signatureStart = note.LastIndexOf(' ') + 1;
        var blob = Convert.FromBase64String(note[signatureStart..^1]);
        blob[^1] ^= 0x01;
        return note[..signatureStart] + Convert.ToBase64String(blob) + "\n";
    }
}

public sealed class SqliteTamperTests() : TamperTests(LedgerProvider.Sqlite)
{
    [Fact]
    public async Task ACopyColumnHoldingTheRightBytesAsABlobIsNamed()
    {
        // SQLite compares a blob and a text as unequal, so `actor_id = 'alice'` no longer finds the row.
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var attacker = new Attacker(ledger);
        const string filter = "SELECT COUNT(*) FROM ledger_entries WHERE sequence = 25 AND actor_id = 'alice'";
        Assert.Equal(1, await ledger.ScalarAsync(filter));
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync("UPDATE ledger_entries SET actor_id = CAST(actor_id AS BLOB) WHERE sequence = 25");
        Assert.Equal(0, await ledger.ScalarAsync(filter));

        var failure = (await ledger.VerifyAsync()).FirstFailure!;
        Assert.Equal((25L, FailureKind.CopyColumnMismatch), (failure.Sequence, failure.Kind));
        Assert.Contains("column actor_id ", failure.Reason);
    }
}

[Collection("postgres")]
public sealed class PostgresTamperTests() : TamperTests(LedgerProvider.Postgres);
