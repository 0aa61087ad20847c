using Microsoft.Data.Sqlite;

namespace AuditPortal.Data.Search;

/// <summary>
/// Commands inside the text search index's write and read transactions (indexer, sealer, hashes):
/// fixed SQL text, with integer values bound as parameters.
/// </summary>
internal static class SearchIndexStatements
{
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, long Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <returns>The integer the statement returns, or null (no row, NULL, or a value of another type).</returns>
    public static async Task<long?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql,
        CancellationToken cancellationToken, params (string Name, long Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql,
        CancellationToken cancellationToken, params (string Name, long Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
