using System.Text.Json;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Pins the work PostgreSQL does for one chunk of <c>verify</c> on a ledger that autovacuum has not
/// analysed yet, as after a first burst of ingestion. The planner then guesses the row count from the
/// declared column widths (search_text may hold 4,000 characters): 6,000 rows where there were 130,000.
/// Asked for "the next rows from here", it joined and sorted everything from the chunk to the end of
/// the ledger for every chunk, so a verification took time quadratic in the ledger's size. Asked for
/// the chunk's window of positions, no step of the plan touches more than about one chunk.
/// </summary>
public sealed class PostgresVerifierChunkPlanTests : IAsyncLifetime
{
    private const int ChunkSize = 1_000;
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync() =>
        _ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Postgres, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task AChunkOfALedgerTheStatisticsHaveNotSeenCostsAboutAChunk()
    {
        await _ledger.ExecuteAsync("ALTER TABLE ledger_entries SET (autovacuum_enabled = false); ALTER TABLE ledger_contents SET (autovacuum_enabled = false)");
        await PostgresRawEntries.InsertAsync(_ledger, "service", from: 0, count: 100_000);
        await using var db = _ledger.OpenContext();
        var sql = new ChunkReader(db, ChunkSize, new ChunkBufferPool(ChunkSize)).EntriesSql;

        var plan = await ExplainAnalyzeAsync(sql, start: 50_000, end: 50_000 + ChunkSize);

        var (busiest, rows) = RowsPerStep(plan).MaxBy(step => step.Rows);
        Assert.True(rows <= 2 * ChunkSize, $"'{busiest}' handled {rows} rows for a chunk of {ChunkSize}:\n{plan}");
    }

    private async Task<string> ExplainAnalyzeAsync(string sql, long start, long end)
    {
        await using var connection = new NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection);
        explain.Parameters.AddWithValue("start", start);
        explain.Parameters.AddWithValue("end", end);
        return (string)(await explain.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Each step of the plan with the rows it produced over all its loops.</summary>
    private static IEnumerable<(string Step, double Rows)> RowsPerStep(string plan)
    {
        using var document = JsonDocument.Parse(plan);
        var steps = new List<(string, double)>();
        void Walk(JsonElement node)
        {
            steps.Add((node.GetProperty("Node Type").GetString()!,
                node.GetProperty("Actual Rows").GetDouble() * node.GetProperty("Actual Loops").GetDouble()));
            if (node.TryGetProperty("Plans", out var children))
                foreach (var child in children.EnumerateArray()) Walk(child);
        }
        Walk(document.RootElement[0].GetProperty("Plan"));
        return steps;
    }
}
