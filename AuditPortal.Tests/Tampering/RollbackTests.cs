using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace AuditPortal.Tests.Tampering;

/// <summary>A database restored from an earlier copy is internally consistent; only the anchors show it lost history.</summary>
public abstract class RollbackTests(LedgerProvider provider)
{
    private static readonly string[] Tables = ["ledger_entries", "ledger_contents", "tree_nodes", "ledger_seals", "checkpoints", "api_keys", "prompt_versions"];

    [Fact]
    public async Task ADatabaseRolledBackToAnEarlierCopyIsNamedAndThePortalRefusesToAppend()
    {
        long backupSize = 0;
        await using var ledger = await FilledLedger.CreateAsync(provider, async l =>
        {
            backupSize = await l.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");
            await BackupAsync(l);
        });
        Assert.True(backupSize is > 0 and < FilledLedger.Size);

        await RestoreAsync(ledger);

        var result = await ledger.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal((backupSize, FailureKind.Truncated), (result.FirstFailure!.Sequence, result.FirstFailure.Kind));

        // Appending onto the restored copy would fork the log: the portal will not start.
        await using var portal = new PortalFactory(ledger);
        var refused = Assert.ThrowsAny<Exception>(() => portal.CreateClient());
        Assert.Contains("truncated or restored from an older copy", Flatten(refused));
    }

    private async Task BackupAsync(TestLedger ledger)
    {
        if (provider == LedgerProvider.Sqlite)
        {
            await ledger.ExecuteAsync($"VACUUM INTO '{Path.Combine(ledger.Folder, "backup.db")}'");
            return;
        }
        foreach (var table in Tables) await ledger.ExecuteAsync($"CREATE TABLE backup_{table} AS SELECT * FROM {table}");
    }

    private async Task RestoreAsync(TestLedger ledger)
    {
        if (provider == LedgerProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var file = Path.Combine(ledger.Folder, "ledger.db");
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
            File.Copy(Path.Combine(ledger.Folder, "backup.db"), file);
            return;
        }
        await new Attacker(ledger).DisableTriggersAsync();
        foreach (var table in Tables)
        {
            await ledger.ExecuteAsync($"DELETE FROM {table}");
            await ledger.ExecuteAsync($"INSERT INTO {table} SELECT * FROM backup_{table}");
        }
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " " + Flatten(e.InnerException);
}

public sealed class SqliteRollbackTests() : RollbackTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresRollbackTests() : RollbackTests(LedgerProvider.Postgres);
