using AuditPortal.Data.Ledger;
using AuditPortal.Features.Events;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>
/// SQLite has no index on actor_id alone (it halved the append rate); the timeline index carries it
/// instead. These pin that a user filter is still answered by walking that index newest first,
/// without sorting, on the first page and on later ones; SQLite tests actor_id on the index entry
/// before it reads the row.
/// </summary>
public sealed class SqliteTimelineQueryPlanTests : IAsyncLifetime
{
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var db = _ledger.OpenContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task AUserFilterScansTheTimelineIndexWithoutSorting()
    {
        var plan = await PlanAsync(new EventQuery { Actor = "alice@example.com" });

        Assert.Contains(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && step.EndsWith("INDEX ix_ledger_entries_occurred_at_sequence_actor_id", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALaterPageOfAUserFilterSeeksIntoTheTimelineIndex()
    {
        var cursor = new EventCursor(new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc), 1234);

        var plan = await PlanAsync(new EventQuery { Actor = "alice@example.com", Cursor = cursor });

        Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.Contains("INDEX ix_ledger_entries_occurred_at_sequence_actor_id (occurred_at<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTimelineWithoutFiltersNeedsNoSortEither()
    {
        var plan = await PlanAsync(new EventQuery());

        Assert.Contains(plan, step => step.Contains("INDEX ix_ledger_entries_occurred_at_sequence_actor_id", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    /// <summary>SQLite's plan for the SQL EF Core generates for the query's page, with its parameters bound.</summary>
    private async Task<List<string>> PlanAsync(EventQuery query)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        var text = query.Apply(db.Entries.AsNoTracking()).Take(EventQuery.DefaultLimit).ToQueryString();
        var lines = text.Split('\n');

        await using var connection = new SqliteConnection(_ledger.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line[".param set ".Length..].Split(' ', 2);
            var value = parts[1].Trim();
            command.Parameters.AddWithValue(parts[0], value.StartsWith('\'') ? value.Trim('\'') : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) plan.Add(reader.GetString(3));
        Assert.NotEmpty(plan);
        return plan;
    }
}
