using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Tampering;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The verifier reads the ledger a window of positions at a time. A window left empty by deleted
/// entries must not end the read early: what lies beyond the gap is still read, so the verifier can
/// name the gap instead of calling the ledger shorter than it is.
/// </summary>
public abstract class ChunkReaderTests(LedgerProvider provider) : IAsyncLifetime
{
    private const int ChunkSize = 10;
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync() => _ledger = await FilledLedger.CreateAsync(provider);

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task ReadsOnAcrossAGapWiderThanAChunkAndStopsAtTheEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync("DELETE FROM ledger_entries WHERE sequence >= 10 AND sequence < 35");
        await using var db = _ledger.OpenContext();
        var reader = new ChunkReader(db, ChunkSize, chunksInMemory: 1);

        var starts = new List<(long Asked, long First, long Last)>();
        for (var from = 0L; await reader.ReadAsync(from, ct) is { } chunk; from = chunk.Entries[^1].Sequence + 1)
            starts.Add((from, chunk.Entries[0].Sequence, chunk.Entries[^1].Sequence));

        Assert.Equal([(0L, 0L, 9L), (10L, 35L, 44L), (45L, 45L, 54L), (55L, 55L, FilledLedger.Size - 1)], starts);
    }
}

public sealed class SqliteChunkReaderTests() : ChunkReaderTests(LedgerProvider.Sqlite);

public sealed class PostgresChunkReaderTests() : ChunkReaderTests(LedgerProvider.Postgres);
