using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Api;

/// <summary>The web host checkpoints SQLite's WAL in the background (appends never do) and leaves it empty on shutdown.</summary>
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
            var grown = false;
            for (var attempt = 0; attempt < 50 && !grown; attempt++)
            {
                await Task.Delay(100);
                database.Refresh();
                grown = database.Length > before + 500_000;
            }
            Assert.True(grown, $"the database file did not grow from {before} bytes: no background checkpoint ran");
        }

        wal.Refresh();
        Assert.True(!wal.Exists || wal.Length == 0, $"the WAL still holds {wal.Length} bytes after shutdown");
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
    }
}
