using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AuditPortal.Bench;

/// <summary>
/// How far the portal's SQLite text search indexer is behind the log when ingestion ends, and how long
/// it takes to catch up (it indexes in the background, docs/benchmarks.md).
/// </summary>
public static class SearchIndexLag
{
    public static async Task WaitAsync(string connectionString, string name)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries), (SELECT indexed_below FROM ledger_search_state WHERE id = 1)";
        var clock = Stopwatch.StartNew();
        long size = 0, mark = 0, behind = -1;
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using (var reader = await command.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (size, mark) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            if (behind < 0) behind = size - mark;
            if (mark >= size) break;
            await Task.Delay(50);
        }
        Console.WriteLine($"[{name}] search    index {behind:N0} entries behind the log when ingestion ended; caught up in {clock.Elapsed.TotalSeconds:0.0} s " +
                          $"({(mark >= size ? "done" : $"NOT done: {mark:N0} of {size:N0}")})");
    }
}
