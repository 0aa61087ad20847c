using System.Data.Common;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Pins PostgreSQL's plan for the writer's duplicate lookup, the query every group commit runs first,
/// in the situation that made it slow: a service that starts sending in bulk after the table's
/// statistics were gathered, so the planner believes that service holds almost nothing. With the
/// unique index led by the submitter, PostgreSQL then sought the submitter alone and filtered every
/// event that service had sent, once per group commit (49 ms a group at 120,000 events). Led by the
/// event id, the lookup seeks each id whatever the statistics say.
/// </summary>
public sealed class PostgresDuplicateLookupPlanTests : IAsyncLifetime
{
    private TestLedger _ledger = null!;

    public async ValueTask InitializeAsync() =>
        _ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Postgres, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task ABusyServiceTheStatisticsHaveNotSeenIsLookedUpByIdNotByScanningItsEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        // Autovacuum would refresh the statistics mid-test and hide what a busy ledger goes through.
        await _ledger.ExecuteAsync("ALTER TABLE ledger_entries SET (autovacuum_enabled = false)");
        await PostgresRawEntries.InsertAsync(_ledger, "quiet-service", from: 1, count: 2_000);
        await _ledger.ExecuteAsync("ANALYZE ledger_entries");
        await PostgresRawEntries.InsertAsync(_ledger, "busy-service", from: 2_001, count: 30_000);

        var plans = new PlanRecorder();
        await using var db = new PostgresLedgerDbContext(
            new DbContextOptionsBuilder<PostgresLedgerDbContext>(LedgerDatabase.Options<PostgresLedgerDbContext>(_ledger.ConnectionString))
                .AddInterceptors(plans).Options);
        var keys = Enumerable.Range(0, 400).Select(i => ("busy-service", $"new-{i}")).Append(("busy-service", "busy-service-2001"));

        var found = await RecordedEvent.LoadAsync(db, keys, ct);

        Assert.Equal(2_001, Assert.Single(found.Values).Sequence);
        var plan = Assert.Single(plans.Plans);
        Assert.Contains("Index Cond: (((event_id)::text = ANY", plan);
        Assert.DoesNotContain("Filter: ((event_id)", plan);
    }

    /// <summary>Asks the server, before each query the context runs, how it plans that query with the same parameters.</summary>
    private sealed class PlanRecorder : DbCommandInterceptor
    {
        public List<string> Plans { get; } = [];

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + command.CommandText, (NpgsqlConnection)command.Connection!);
            foreach (NpgsqlParameter parameter in command.Parameters) explain.Parameters.Add(parameter.Clone());
            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(0));
            Plans.Add(string.Join("\n", lines));
            return result;
        }
    }
}
