using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Tampering;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Two readers reading ahead on the guess that windows are full hand the verifier exactly the chunks
/// and seals one reader does: on an intact ledger, and where a gap ends the guessing. On PostgreSQL
/// the second reader is a connection sharing the run's snapshot, as in the verifier; on SQLite, a
/// second connection of its own (nothing writes during these tests).
/// </summary>
public abstract class OrderedChunkReadsTests(LedgerProvider provider) : IAsyncLifetime
{
    private const int ChunkSize = 10;
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync() => _ledger = await FilledLedger.CreateAsync(provider);

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task TwoReadersGiveWhatOneGivesOnAnIntactLedger()
    {
        var one = await ReadAllAsync(readers: 1);
        var two = await ReadAllAsync(readers: 2);

        Assert.Equal(one, two);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long)i * ChunkSize), two.Select(c => c.First));
        Assert.Equal(FilledLedger.Size - 1, two[^1].Last);
        // Every seal once, in order: the key's own (size 1), then one per batch of ten.
        Assert.Equal(string.Join(",", Enumerable.Range(0, FilledLedger.Batches + 1).Select(b => 1 + b * FilledLedger.BatchSize)),
            string.Join(",", two.Select(c => c.Seals).Where(seals => seals.Length > 0)));
    }

    [Fact]
    public async Task AGapEndsTheGuessingAndTheRestIsReadFromWhereItEnds()
    {
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync("DELETE FROM ledger_entries WHERE sequence >= 10 AND sequence < 35");

        var one = await ReadAllAsync(readers: 1);
        var two = await ReadAllAsync(readers: 2);

        Assert.Equal(one, two);
        Assert.Equal([(0L, 9L), (35L, 44L), (45L, 54L), (55L, FilledLedger.Size - 1)], two.Select(c => (c.First, c.Last)));
    }

    private async Task<List<(long First, long Last, string Seals)>> ReadAllAsync(int readers)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        await using var snapshot = await LedgerSnapshot.BeginAsync(db, ct);
        var buffers = new ChunkBufferPool(ChunkSize);
        var list = new List<ChunkReader> { await ChunkReader.OpenAsync(db, ChunkSize, buffers, ct) };
        await using var siblings = await SnapshotSiblings.OpenAsync(db, readers - 1, ct);
        list.AddRange(siblings.Connections.Select(s => new ChunkReader(db, ChunkSize, buffers, s.Connection, s.Transaction)));
        var others = new List<LedgerDbContext>();
        try
        {
            while (list.Count < readers)
            {
                Assert.Equal(LedgerProvider.Sqlite, provider); // PostgreSQL's second reader is a sibling
                others.Add(_ledger.OpenContext());
                list.Add(await ChunkReader.OpenAsync(others[^1], ChunkSize, buffers, ct));
            }
            var chunks = new List<(long First, long Last, string Seals)>();
            await foreach (var chunk in new OrderedChunkReads(list, ChunkSize, buffers).ReadAllAsync(ct))
            {
                chunks.Add((chunk.Entries[0].Sequence, chunk.Entries[^1].Sequence, string.Join(",", chunk.Seals.Select(s => s.TreeSize))));
                buffers.Return(chunk.Buffers);
            }
            return chunks;
        }
        finally
        {
            foreach (var other in others) await other.DisposeAsync();
        }
    }
}

public sealed class SqliteOrderedChunkReadsTests() : OrderedChunkReadsTests(LedgerProvider.Sqlite);

public sealed class PostgresOrderedChunkReadsTests() : OrderedChunkReadsTests(LedgerProvider.Postgres);
