using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>
/// Pins SQLite's plan for the timeline's page query: every filter, alone and in pairs, with and
/// without a time range and on later pages, is answered by walking an index newest first. No step
/// sorts the matches (USE TEMP B-TREE FOR ORDER BY, which at a million events meant seconds) and
/// none scans the table itself. SQLite has no index that starts with actor_id (it halved the append
/// rate); the timeline index carries it, so a user filter walks that index and tests actor_id on the
/// index entry before it reads the row.
/// </summary>
public sealed class SqliteTimelineQueryPlanTests : IAsyncLifetime
{
    private static readonly DateTime From = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Each filter the API offers, by name; promptVersion only comes with its prompt.</summary>
    private static readonly Dictionary<string, Func<EventQuery, EventQuery>> Filters = new()
    {
        ["actor"] = q => q with { Actor = "alice@example.com" },
        ["type"] = q => q with { Type = "llm.call" },
        ["application"] = q => q with { Application = "support-bot" },
        ["model"] = q => q with { Model = "gpt-4o" },
        ["prompt"] = q => q with { Prompt = "support-reply" },
        ["promptVersion"] = q => q with { Prompt = "support-reply", PromptVersion = 3 },
    };

    public static TheoryData<string, bool, bool> SingleFiltersAndPairs()
    {
        var data = new TheoryData<string, bool, bool>();
        var names = Filters.Keys.ToList();
        var combinations = names.Select(n => n).ToList();
        for (var i = 0; i < names.Count; i++)
            for (var j = i + 1; j < names.Count; j++)
                if (!(names[i] == "prompt" && names[j] == "promptVersion")) combinations.Add($"{names[i]}+{names[j]}");
        foreach (var combination in combinations)
            foreach (var timeRange in new[] { false, true })
                foreach (var laterPage in new[] { false, true })
                    data.Add(combination, timeRange, laterPage);
        return data;
    }

    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync() =>
        _ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Theory]
    [MemberData(nameof(SingleFiltersAndPairs))]
    public async Task EveryFilterAndPairWalksAnIndexNewestFirstWithoutSorting(string combination, bool timeRange, bool laterPage)
    {
        var query = Build(combination, timeRange, laterPage);

        var plan = await PlanAsync(query);

        AssertNoSortAndNoTableScan(plan);
        if (combination != "actor")
            // Something other than the user narrows the walk: it must seek, not scan an index from its end.
            Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.Contains("USING", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("type", "ix_ledger_entries_type_occurred_at_sequence (type=?)")]
    [InlineData("application", "ix_ledger_entries_application_occurred_at_sequence (application=?)")]
    [InlineData("model", "ix_ledger_entries_model_occurred_at_sequence (model=?)")]
    [InlineData("prompt", "ix_ledger_entries_prompt_name_occurred_at_sequence (prompt_name=?)")]
    [InlineData("promptVersion", "ix_ledger_entries_prompt_name_prompt_version_occurred_at_sequence (prompt_name=? AND prompt_version=?)")]
    public async Task EachFilterSeeksItsOwnIndex(string filter, string index)
    {
        var plan = await PlanAsync(Build(filter, timeRange: false, laterPage: false));

        Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.EndsWith(index, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserFilterScansTheTimelineIndexWithoutSorting()
    {
        var plan = await PlanAsync(new EventQuery { Actor = "alice@example.com" });

        Assert.Contains(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && step.EndsWith("INDEX ix_ledger_entries_occurred_at_sequence_actor_id", StringComparison.Ordinal));
        AssertNoSortAndNoTableScan(plan);
    }

    [Fact]
    public async Task ALaterPageOfAUserFilterSeeksIntoTheTimelineIndex()
    {
        var cursor = new EventCursor(new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc), 1234);

        var plan = await PlanAsync(new EventQuery { Actor = "alice@example.com", Cursor = cursor });

        Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.Contains("INDEX ix_ledger_entries_occurred_at_sequence_actor_id (occurred_at<?)", StringComparison.Ordinal));
        AssertNoSortAndNoTableScan(plan);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheTimelineWithoutFiltersNeedsNoSortEither(bool timeRange)
    {
        var plan = await PlanAsync(Build("", timeRange, laterPage: false));

        Assert.Contains(plan, step => step.Contains("INDEX ix_ledger_entries_occurred_at_sequence_actor_id", StringComparison.Ordinal));
        AssertNoSortAndNoTableScan(plan);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("type", false)]
    [InlineData("actor", false)]
    [InlineData("model", true)]
    [InlineData("application+promptVersion", false)]
    [InlineData("prompt+type", true)]
    public async Task TextTheIndexAnswersIsLookedUpInTheSearchIndexAndRecheckedOnTheRow(string filter, bool timeRange)
    {
        var query = Build(filter, timeRange, laterPage: false) with { Text = "windscreen" };
        await IndexIntoTwoPartitionsAsync();

        var plan = await PlanAsync(query, useTextIndex: true);

        // The candidates come from the FTS5 tables, one per partition; the rows are read by sequence. Sorting them is the
        // point: there are fewer than EventQuery.TextIndexCandidateLimit (ApplyAsync counts first).
        Assert.Equal(2, plan.Count(step => step.Contains("VIRTUAL TABLE INDEX", StringComparison.Ordinal)));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && step.Contains("ix_ledger_entries", StringComparison.Ordinal));
        // Starting from the candidates, whatever else is filtered: a filter column's index would make
        // SQLite walk every row of that value and probe the candidates for each (185 ms at a million).
        Assert.True(plan.Any(step => step.Contains("USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal)), string.Join(" | ", plan));
        Assert.DoesNotContain(plan, step => step.Contains("USING INDEX ix_ledger_entries", StringComparison.Ordinal) || step.Contains("USING COVERING INDEX ix_ledger_entries", StringComparison.Ordinal));
        // The entries above the index's high-water mark join the candidates through a seek on the key,
        // not a scan: the walk costs what the indexer's lag is, not what the ledger is.
        Assert.True(plan.Count(step => step.Contains("USING INTEGER PRIMARY KEY (rowid>?)", StringComparison.Ordinal)) == 1, string.Join(" | ", plan));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ledger_entries", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("model")]
    public async Task TextThatMatchesOftenIsTestedOnTheNewestFirstWalk(string filter)
    {
        var query = Build(filter, timeRange: true, laterPage: false) with { Text = "the" };

        var plan = await PlanAsync(query, useTextIndex: false);

        AssertNoSortAndNoTableScan(plan);
        Assert.DoesNotContain(plan, step => step.Contains("VIRTUAL TABLE", StringComparison.Ordinal));
    }

    /// <summary>Three entries in partitions of two: the index has two FTS5 tables for a text search to ask.</summary>
    private async Task IndexIntoTwoPartitionsAsync()
    {
        await _ledger.ExecuteAsync("UPDATE ledger_search_state SET partition_size = 2");
        await _ledger.ExecuteAsync("""
            INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash)
            VALUES (0, 'a', 'llm.call', '2026-11-01 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'a windscreen', x'00', zeroblob(32)),
                   (1, 'b', 'llm.call', '2026-11-01 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'b', x'00', zeroblob(32)),
                   (2, 'c', 'llm.call', '2026-11-01 10:00:00', '2026-11-30 00:00:00', 'alice', 'user', 'bot', 'c', x'00', zeroblob(32))
            """);
        await using var db = _ledger.OpenContext();
        await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: TestContext.Current.CancellationToken);
    }

    private static EventQuery Build(string combination, bool timeRange, bool laterPage)
    {
        var query = new EventQuery();
        foreach (var name in combination.Split('+', StringSplitOptions.RemoveEmptyEntries)) query = Filters[name](query);
        if (timeRange) query = query with { FromUtc = From, ToUtc = To };
        if (laterPage) query = query with { Cursor = new EventCursor(new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc), 4321) };
        return query;
    }

    private static void AssertNoSortAndNoTableScan(List<string> plan)
    {
        var shown = string.Join(" | ", plan);
        Assert.False(plan.Any(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal)), $"the plan sorts: {shown}");
        // "SCAN l" alone is the table itself, row by row; an index walk says which index.
        Assert.False(plan.Any(step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal)), $"the plan scans the table: {shown}");
    }

    /// <summary>SQLite's plan for the SQL EF Core generates for the query's page, with its parameters bound.</summary>
    private async Task<List<string>> PlanAsync(EventQuery query, bool useTextIndex = false)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _ledger.OpenContext();
        var text = query.Apply(db, useTextIndex ? await SearchIndexLayout.ReadAsync(db, ct) : null).Take(EventQuery.DefaultLimit).ToQueryString();
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
