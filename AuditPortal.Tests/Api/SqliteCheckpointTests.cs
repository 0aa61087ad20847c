using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Ledger;
using AuditPortal.Ledger.Writing;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuditPortal.Tests.Api;

/// <summary>
/// The web host checkpoints SQLite's WAL in the background (appends never do), starts the log over
/// even while appends never pause, and leaves it empty on shutdown.
/// </summary>
public sealed class SqliteCheckpointTests
{
    [Fact]
    public async Task TheWalIsCopiedIntoTheDatabaseInTheBackgroundAndTruncatedOnShutdown()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var database = new FileInfo(Path.Combine(ledger.Folder, "ledger.db"));
        var wal = new FileInfo(database.FullName + "-wal");
        await using (var portal = new PortalFactory(ledger))
        {
            var client = await portal.ClientWithKeyAsync("wal-bot", ApiKeyScopes.Ingest);
            await Task.Delay(1500); // past the first checkpoint, so the file holds the schema
            database.Refresh();
            var before = database.Length;

            for (var batch = 0; batch < 5; batch++)
                await Events.PostAsync(client, [.. Enumerable.Range(0, 100).Select(i => Events.LlmCall($"wal-{batch}-{i}", text: new string('q', 2000)))]);

            // Appends write only to the WAL (wal_autocheckpoint=0); the main file grows only by checkpoints.
            await Eventually.WaitUntilAsync(() =>
            {
                database.Refresh();
                return database.Length > before + 500_000;
            }, $"the database file did not grow from {before} bytes: no background checkpoint ran");
        }

        wal.Refresh();
        Assert.True(!wal.Exists || wal.Length == 0, $"the WAL still holds {wal.Length} bytes after shutdown");
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
    }

    [Fact]
    public async Task TheLogStartsOverWhileAWriterAppendsWithoutPause()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await ledger.ExecuteAsync("PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);");
        var gate = new AppendGate();
        var service = new SqliteCheckpointService(
            new LedgerLocation(LedgerProvider.Sqlite, ledger.ConnectionString, ledger.KeyFile, ledger.AnchorDirectory, ledger.Origin),
            gate, NullLogger<SqliteCheckpointService>.Instance);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => AppendUntilStoppedAsync(ledger.ConnectionString, gate, stop.Token), ct);
        await using var probe = new SqliteConnection(ledger.ConnectionString);
        await probe.OpenAsync(ct);
        var before = 0L;
        for (var attempt = 0; attempt < 400 && before < 2_000; attempt++)
        {
            await Task.Delay(25, ct);
            before = await LogFramesAsync(probe);
        }

        await service.CheckpointAsync(truncate: false, ct);
        long after;
        // Counted in a turn of our own: the writer gets at most one turn in between.
        using (await gate.EnterAsync(ct)) after = await LogFramesAsync(probe);
        await stop.CancelAsync();
        var transactions = await writer;

        Assert.True(before >= 2_000, $"the writer wrote only {before} log frames");
        Assert.True(transactions > 0);
        Assert.True(after < before, $"the log holds {after} frames after the checkpoint and {before} before: it never started over");
    }

    /// <summary>Like the portal's writer under load: a transaction per turn, and the next turn asked for at once.</summary>
    private static async Task<int> AppendUntilStoppedAsync(string connectionString, AppendGate gate, CancellationToken stop)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint=0; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(CancellationToken.None);
        }
        var transactions = 0;
        while (!stop.IsCancellationRequested)
        {
            using var turn = await gate.EnterAsync(CancellationToken.None);
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO t (body) VALUES (randomblob(3000))";
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            transactions++;
        }
        return transactions;
    }

    /// <summary>Frames in the log now, as a PASSIVE checkpoint reports them (it neither waits nor starts the log over).</summary>
    private static async Task<long> LogFramesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync();
        var frames = -1L;
        while (await reader.ReadAsync()) frames = reader.GetInt64(1);
        return frames;
    }
}
