using Microsoft.Data.Sqlite;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// Copies the SQLite write-ahead log into the database file outside the append path. PASSIVE never
/// waits for or blocks the writer; TRUNCATE, on shutdown, leaves a small WAL behind.
/// </summary>
public static class SqliteWalCheckpoint
{
    public static async Task RunAsync(string connectionString, bool truncate, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = truncate ? "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(TRUNCATE);" : "PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
