using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Tampering;
using Microsoft.EntityFrameworkCore;

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
        var reader = await ChunkReader.OpenAsync(db, ChunkSize, new ChunkBufferPool(ChunkSize), ct);

        var starts = new List<(long Asked, long First, long Last)>();
        for (var from = 0L; reader.Read(from, ct) is { } chunk; from = chunk.Entries[^1].Sequence + 1)
            starts.Add((from, chunk.Entries[0].Sequence, chunk.Entries[^1].Sequence));

        Assert.Equal([(0L, 0L, 9L), (10L, 35L, 44L), (45L, 45L, 54L), (55L, 55L, FilledLedger.Size - 1)], starts);
    }

    /// <summary>
    /// Every value the verifier judges is the stored value, as EF Core reads it: on SQLite the reader
    /// calls the library directly, where a NULL and an empty value, or two columns, are easy to confuse.
    /// </summary>
    [Fact]
    public async Task ReadsEveryColumnAsStoredWithNullsAndEmptyValuesApart()
    {
        var ct = TestContext.Current.CancellationToken;
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync("UPDATE ledger_entries SET application = '' WHERE sequence = 3");
        await attacker.ExecuteAsync("UPDATE ledger_entries SET model = NULL WHERE sequence = 4");
        await attacker.ExecuteAsync("DELETE FROM ledger_contents WHERE sequence = 5");
        // Text beyond ASCII: on PostgreSQL text columns are read as the UTF-8 bytes the server sends.
        await attacker.ExecuteAsync("UPDATE ledger_entries SET model = 'modèle-Ωμέγα-😀', search_text = search_text || ' çà 😀' WHERE sequence = 6");
        await using var db = _ledger.OpenContext();
        var stored = await db.Entries.AsNoTracking().OrderBy(e => e.Sequence).Take(ChunkSize).ToListAsync(ct);
        var contents = await db.Contents.AsNoTracking().Where(c => c.Sequence < ChunkSize).ToDictionaryAsync(c => c.Sequence, ct);

        var chunk = (await ChunkReader.OpenAsync(db, ChunkSize, new ChunkBufferPool(ChunkSize), ct)).Read(0, ct);

        Assert.NotNull(chunk);
        Assert.Equal(stored.Select(e => e.Sequence), chunk.Entries.Select(e => e.Sequence));
        foreach (var (entry, row) in stored.Zip(chunk.Entries))
        {
            Assert.Equal(entry.Envelope, row.Envelope.ToArray());
            Assert.Equal(entry.LeafHash, row.LeafHash.ToArray());
            Assert.Equal(contents.GetValueOrDefault(entry.Sequence)?.Salt, row.Salt?.ToArray());
            Assert.Equal(contents.GetValueOrDefault(entry.Sequence)?.Content, row.Content?.ToArray());
            var copies = row.Copies;
            Assert.Equal(
                [entry.EventId, entry.Type, entry.ActorId, entry.ActorKind, entry.SubmittedBy, entry.Application, entry.Model, entry.Provider, entry.PromptName, entry.SearchText],
                new[] { copies.EventId, copies.Type, copies.ActorId, copies.ActorKind, copies.SubmittedBy, copies.Application, copies.Model, copies.Provider, copies.PromptName, copies.SearchText }
                    .Select(value => value is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : null));
            Assert.Equal(entry.PromptVersion, copies.PromptVersion);
            Assert.Equal(0, copies.WrongTypes);
        }
        Assert.Equal("", chunk.Entries[3].Copies.Application is { } empty ? Encoding.UTF8.GetString(empty.Span) : null);
        Assert.Null(chunk.Entries[4].Copies.Model);
        Assert.Equal("modèle-Ωμέγα-😀", Encoding.UTF8.GetString(chunk.Entries[6].Copies.Model!.Value.Span));
        Assert.Null(chunk.Entries[5].Content);
        Assert.True(chunk.Nodes.Count > 0);
        Assert.All(chunk.Nodes, node => Assert.Equal(32, node.Hash.Length));
    }
}

public sealed class ChunkReaderTextEncodingTests
{
    /// <summary>Text is read as bytes from Npgsql only where those bytes are UTF-8; otherwise as strings.</summary>
    [Theory]
    [InlineData("Host=db;Database=ledger", true)]
    [InlineData("Host=db;Database=ledger;Encoding=UTF-8", true)]
    [InlineData("Host=db;Database=ledger;Client Encoding=utf8", true)]
    [InlineData("Host=db;Database=ledger;Encoding=LATIN1", false)]
    [InlineData("Host=db;Database=ledger;Client Encoding=SQL_ASCII", false)]
    public void ReadsTextAsBytesOnlyWhenNpgsqlSpeaksUtf8(string connectionString, bool asBytes) =>
        Assert.Equal(asBytes, ChunkReader.NpgsqlReadsUtf8(connectionString));
}

public sealed class SqliteChunkReaderTests() : ChunkReaderTests(LedgerProvider.Sqlite);

public sealed class PostgresChunkReaderTests() : ChunkReaderTests(LedgerProvider.Postgres);
