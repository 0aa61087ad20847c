using Microsoft.Data.Sqlite;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// Copies the SQLite write-ahead log into the database file outside the append path.
/// </summary>
public static class SqliteWalCheckpoint
{
    /// <summary>
    /// Copies what it can without waiting for or blocking anyone. When it copies the whole log, the
    /// next append starts the log over from its beginning.
    /// </summary>
    public static Task PassiveAsync(string connectionString, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, "PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);

    /// <summary>Copies the whole log and truncates it, waiting up to 5 s for writers: on shutdown.</summary>
    public static Task TruncateAsync(string connectionString, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
