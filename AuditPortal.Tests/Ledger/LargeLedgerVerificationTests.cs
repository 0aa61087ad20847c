using System.Text.Json.Nodes;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// A ledger larger than the verifier's chunk, appended in uneven transactions so seals and tree
/// nodes straddle chunk boundaries: it verifies, and a rewrite deep inside is still named exactly.
/// On PostgreSQL two connections read alternate chunks (OrderedChunkReads), which these ledgers
/// exercise: three chunks, the last one short.
/// </summary>
public abstract class LargeLedgerVerificationTests(LedgerProvider provider) : IAsyncLifetime
{
    internal const int Entries = 20_000;
    private TestLedger _ledger = null!;
    private NoteSigner _signer = null!;

    public async ValueTask InitializeAsync() => (_ledger, _signer) = await CreateAsync(provider);

    public async ValueTask DisposeAsync()
    {
        _signer.Dispose();
        await _ledger.DisposeAsync();
    }

    [Fact]
    public async Task ChunkBoundariesNeitherHideNorInventFailures()
    {
        var reported = new List<long>();
        var intact = await VerifyAsync(new CollectingProgress(reported));
        Assert.True(intact.Intact, intact.FirstFailure?.ToString());
        Assert.Equal(Entries, intact.Entries);
        // One report per chunk, rising to every entry: what the integrity page's progress bar shows.
        Assert.True(reported.Count >= 3, string.Join(", ", reported));
        Assert.Equal(reported.Order(), reported);
        Assert.Equal(Entries, reported[^1]);

        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(17_002, "\"user-1\"", "\"user-9\"", rehash: true);

        var tampered = await VerifyAsync();
        Assert.Equal((17_002L, FailureKind.SealMismatch), (tampered.FirstFailure!.Sequence, tampered.FirstFailure.Kind));
    }

    /// <summary>
    /// Entries deleted across the first chunk's end: the first window comes back short, the read
    /// already under way for the next window is dropped, and the verifier names the first missing entry
    /// and what follows the gap.
    /// </summary>
    [Fact]
    public async Task AGapAcrossAChunkBoundaryIsNamedWhereItStarts()
    {
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync("DELETE FROM ledger_entries WHERE sequence >= 8190 AND sequence < 8201");

        var result = await VerifyAsync();

        Assert.Equal((8190L, FailureKind.MissingEntry), (result.FirstFailure!.Sequence, result.FirstFailure.Kind));
        Assert.Contains("the next stored entry is 8201", result.FirstFailure.Reason);
    }

    /// <summary>A ledger of <see cref="Entries"/> entries, and the key it is signed with.</summary>
    internal static async Task<(TestLedger Ledger, NoteSigner Signer)> CreateAsync(LedgerProvider provider)
    {
        var ledger = await TestLedger.CreateAsync(provider);
        var signer = NoteSigner.Generate(ledger.Origin);
        File.WriteAllText(ledger.KeyFile, signer.ToPrivateKeyText());
        await AppendAsync(ledger, signer);
        return (ledger, signer);
    }

    private static async Task AppendAsync(TestLedger ledger, NoteSigner signer)
    {
        var appender = new LedgerAppender(signer, TimeProvider.System);
        await using (var db = ledger.OpenContext()) await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        var random = new Random(7);
        for (var written = 0; written < Entries;)
        {
            var count = Math.Min(Entries - written, random.Next(1, 700));
            await using var db = ledger.OpenContext();
            await appender.AppendAsync(db, batch =>
            {
                for (var i = 0; i < count; i++) batch.Add(Draft(written + i));
                return Task.CompletedTask;
            }, TestContext.Current.CancellationToken);
            written += count;
        }
    }

    private static EventDraft Draft(int n) => new()
    {
        EventId = $"bulk-{n}",
        Type = "access",
        OccurredAtUtc = DateTime.UtcNow,
        Actor = new ActorRef($"user-{n % 3}", ActorKinds.User),
        SubmittedBy = new ActorRef("loader", ActorKinds.Service),
        Fields = new Dictionary<string, JsonNode> { ["attributes"] = new JsonObject { ["n"] = n } },
        Content = CanonicalJson.Serialize(new JsonObject { ["note"] = $"entry {n}" }),
    };

    private async Task<VerificationResult> VerifyAsync(IProgress<long>? progress = null)
    {
        await using var db = _ledger.OpenContext();
        return await new LedgerVerifier([_signer.Verifier], new AnchorDirectory(_ledger.AnchorDirectory))
            .VerifyAsync(db, TestContext.Current.CancellationToken, progress);
    }

    private sealed class CollectingProgress(List<long> reported) : IProgress<long>
    {
        public void Report(long value) => reported.Add(value);
    }
}

public sealed class SqliteLargeLedgerVerificationTests() : LargeLedgerVerificationTests(LedgerProvider.Sqlite);

public sealed class PostgresLargeLedgerVerificationTests() : LargeLedgerVerificationTests(LedgerProvider.Postgres);
