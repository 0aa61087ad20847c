using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Overview;
using AuditPortal.Features.Retention;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Bench;

/// <summary>
/// The `pages` verb (bench/README.md): the server-side work of each dashboard page, timed in-process
/// through the services the pages call, on a ledger another run left (`timeline --keep`), beside the
/// cheapest read of the same rows with plain ADO.NET in the same run. Rendering the components is not
/// included: a page's 50 rows render in well under a millisecond next to its queries.
/// </summary>
public static class PagesBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? ledgerDirectory = null;
        var runs = 20;
        int? enforceDays = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--ledger-dir" when i + 1 < args.Length: ledgerDirectory = args[++i]; break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0:
                    runs = r; i++; break;
                case "--enforce-days" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var d):
                    enforceDays = d; i++; break;
                default:
                    Console.Error.WriteLine("usage: pages --ledger-dir DIR [--runs R] [--enforce-days D]   (DIR: a SQLite ledger folder, e.g. left by `timeline --keep`; --enforce-days purges it first under a default policy of D days)");
                    return 2;
            }
        }
        if (ledgerDirectory is null || !File.Exists(Path.Combine(ledgerDirectory, "ledger.db")))
        {
            Console.Error.WriteLine("error: --ledger-dir must name a folder holding ledger.db, signing.key and anchors/");
            return 2;
        }
        ledgerDirectory = Path.GetFullPath(ledgerDirectory);
        var database = Path.Combine(ledgerDirectory, "ledger.db");
        var keyText = await File.ReadAllTextAsync(Path.Combine(ledgerDirectory, "signing.key"));
        var origin = keyText.Trim()["PRIVATE+KEY+".Length..].Split('+')[0];

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = ledgerDirectory });
        builder.AddAuditPortal();
        builder.Services.AddSingleton<LedgerSummary>();
        builder.Services.AddSingleton<ActivityStatistics>();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditPortal:Database:Provider"] = "Sqlite",
            ["AuditPortal:Database:ConnectionString"] = $"Data Source={database}",
            ["AuditPortal:Signing:KeyFile"] = Path.Combine(ledgerDirectory, "signing.key"),
            ["AuditPortal:Signing:Origin"] = origin,
            ["AuditPortal:Anchors:Directory"] = Path.Combine(ledgerDirectory, "anchors"),
            ["AuditPortal:Authentication:Mode"] = "OpenIdConnect",
            ["AuditPortal:Authentication:OpenIdConnect:Authority"] = "https://idp.invalid",
            ["AuditPortal:Authentication:OpenIdConnect:ClientId"] = "bench",
            ["Logging:LogLevel:Default"] = "Warning",
            ["urls"] = "http://127.0.0.1:0",
        });
        await using var app = builder.Build();
        await app.PrepareLedgerAsync();
        await app.StartAsync();
        var services = app.Services;
        var reader = new ActorRef("bench@example.com", ActorKinds.User, "Bench");

        if (enforceDays is { } days) await EnforceAsync(services, days);
        var entries = await TreeSizeAsync(database);
        Console.WriteLine($"pages: SQLite ledger of {entries:N0} entries at {ledgerDirectory}; {runs} runs per figure; p50 / p95 in ms");
        Console.WriteLine();
        Console.WriteLine("| page | server work | p50 ms | p95 ms | baseline (same run) | p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---:|---:|---|---:|---:|");

        // Overview: the ledger head and the 30-day activity. The first read counts the window; later ones catch up.
        var summary = services.GetRequiredService<LedgerSummary>();
        var activity = services.GetRequiredService<ActivityStatistics>();
        var cold = Stopwatch.StartNew();
        await activity.ReadAsync(CancellationToken.None);
        var coldMs = cold.Elapsed.TotalMilliseconds;
        var overview = await TimeAsync(runs, async () => { await summary.ReadAsync(default); await activity.ReadAsync(default); });
        var headBaseline = await TimeAsync(runs, () => ScalarAsync(database, "SELECT MAX(sequence) FROM ledger_entries"));
        Row("overview", "head + 30-day activity (after the first read)", overview, "MAX(sequence)", headBaseline);
        Console.WriteLine($"| overview, first read after start | counts the 30-day window once | {coldMs:F0} | | | | |");

        // Timeline: the first page of 50 for the filters a reviewer uses, as the page asks (with its count).
        var timeline = services.GetRequiredService<TimelineService>();
        var newest50 = await TimeAsync(runs, () => ReadRowsAsync(database,
            "SELECT sequence, envelope, leaf_hash FROM ledger_entries ORDER BY occurred_at DESC, sequence DESC LIMIT 50"));
        var common = await CommonValuesAsync(database);
        foreach (var (label, query) in new (string, string)[]
                 {
                     ("no filter", ""),
                     ($"actor={common["actor_id"]}", $"actor={common["actor_id"]}"),
                     ($"model={common["model"]}", $"model={common["model"]}"),
                     ($"application={common["application"]}", $"application={common["application"]}"),
                     ($"prompt={common["prompt_name"]}", $"prompt={common["prompt_name"]}"),
                     ("q that matches rarely", "q=" + common["event_id"]),
                 })
        {
            var parsed = Parse(query);
            foreach (var withCount in new[] { false, true })
            {
                var times = await TimeAsync(runs, () => timeline.ReadAsync(parsed, reader, "bench", default, withCount));
                Row("timeline", label + (withCount ? ", with count" : ""), times, "newest 50 envelopes, no filter", newest50);
            }
        }

        // Event page: the envelope, its content and integrity, and its inclusion proof in the latest checkpoint.
        var details = services.GetRequiredService<EventDetailService>();
        var proofs = services.GetRequiredService<ProofService>();
        var random = new Random(7);
        var checkpointed = await ScalarAsync(database, "SELECT MAX(tree_size) FROM checkpoints");
        var eventPage = await TimeAsync(runs, async () =>
        {
            var sequence = random.NextInt64(0, checkpointed);
            await details.ReadAsync(sequence, reader, "bench", default);
            await proofs.InclusionAsync(sequence, checkpointed, reader, "bench", new FieldErrors(), default);
        });
        var oneEnvelope = await TimeAsync(runs, () => ReadRowsAsync(database,
            $"SELECT sequence, envelope, leaf_hash FROM ledger_entries WHERE sequence = {random.NextInt64(0, checkpointed)}"));
        Row("event", "detail + inclusion proof", eventPage, "one envelope by sequence", oneEnvelope);

        // Purged content: what purged each row of a page of purged events, and a purged event's page.
        var purged = await PurgedSequencesAsync(database);
        if (purged.Count > 0)
        {
            var oldest = Parse($"to={Uri.EscapeDataString(await OldestPurgedAsync(database))}");
            var purgeMarks = await TimeAsync(runs, async () => await timeline.PurgesAsync((await timeline.ReadAsync(oldest, reader, "bench", default)).Rows, default));
            Row("timeline", "first page of 50 purged events + what purged each", purgeMarks, "newest 50 envelopes, no filter", newest50);
            var purgedPage = await TimeAsync(runs, () => details.ReadAsync(purged[random.Next(purged.Count)], reader, "bench", default));
            Row("event", "detail of a purged event (its tombstone)", purgedPage, "one envelope by sequence", oneEnvelope);
            // The part those two share, in the same run: the ledger's tombstone index from the cache, against
            // reading every tombstone again (what each page and event view did before the cache).
            var contexts = services.GetRequiredService<IDbContextFactory<LedgerDbContext>>();
            var cache = services.GetRequiredService<TombstoneIndexCache>();
            var cached = await TimeAsync(runs, async () => { await using var db = await contexts.CreateDbContextAsync(); await cache.CurrentAsync(db, default); });
            var reread = await TimeAsync(runs, async () => { await using var db = await contexts.CreateDbContextAsync(); await RetentionTombstones.IndexAfterAsync(db, -1, default); });
            Row("timeline, event", "tombstone index from the cache (asks for newer ones)", cached, "every tombstone read again", reread);
        }

        await app.StopAsync();
        return 0;
    }

    /// <summary>Purges the ledger under a default policy of <paramref name="days"/>, proposed and confirmed by two bench admins, before anything is timed.</summary>
    private static async Task EnforceAsync(IServiceProvider services, int days)
    {
        var retention = services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(new ActorRef("bench-a@example.com", ActorKinds.User), RetentionScope.Default, days, default);
        if (proposal.Id is null) throw new InvalidOperationException($"the bench's policy was refused: {proposal}");
        await retention.ConfirmAsync(new ActorRef("bench-b@example.com", ActorKinds.User), proposal.Id, default);
        var purges = await services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(default);
        Console.WriteLine($"enforced a {days}-day default policy: {purges.Sum(p => p.Purged):N0} contents purged under {purges.Sum(p => p.Tombstones.Count)} tombstones");
    }

    private static async Task<List<long>> PurgedSequencesAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence FROM ledger_entries e WHERE NOT EXISTS (SELECT 1 FROM ledger_contents c WHERE c.sequence = e.sequence) LIMIT 10000";
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) sequences.Add(reader.GetInt64(0));
        return sequences;
    }

    private static async Task<string> OldestPurgedAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(occurred_at) FROM ledger_entries e WHERE NOT EXISTS (SELECT 1 FROM ledger_contents c WHERE c.sequence = e.sequence)";
        var latest = DateTime.SpecifyKind(DateTime.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture), DateTimeKind.Utc);
        return latest.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    private static EventQuery Parse(string query)
    {
        var errors = new FieldErrors();
        var pairs = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        var parsed = EventQueryParser.Parse(pairs.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)), errors);
        if (errors.Any) throw new InvalidOperationException($"bad bench query {query}");
        return parsed;
    }

    private static void Row(string page, string work, List<double> times, string baseline, List<double> baselineTimes) =>
        Console.WriteLine($"| {page} | {work} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} | {baseline} | {Percentile(baselineTimes, 50):F2} | {Percentile(baselineTimes, 95):F2} |");

    private static async Task<List<double>> TimeAsync(int runs, Func<Task> work)
    {
        await work(); // warm: JIT and the page cache
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await work();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    private static double Percentile(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    private static async Task<long> TreeSizeAsync(string database) => await ScalarAsync(database, "SELECT COUNT(*) FROM ledger_entries");

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads every column of every row into memory, as the cheapest page of those rows would.</summary>
    private static async Task ReadRowsAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
    }

    /// <summary>The most common value of each filter column, and one event id (rare text).</summary>
    private static async Task<Dictionary<string, string>> CommonValuesAsync(string database)
    {
        var values = new Dictionary<string, string>();
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        foreach (var column in new[] { "actor_id", "model", "application", "prompt_name" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {column} FROM ledger_entries WHERE {column} IS NOT NULL AND type = 'llm.call' GROUP BY {column} ORDER BY COUNT(*) DESC LIMIT 1";
            values[column] = (string)(await command.ExecuteScalarAsync())!;
        }
        await using (var id = connection.CreateCommand())
        {
            id.CommandText = "SELECT event_id FROM ledger_entries WHERE type = 'llm.call' LIMIT 1 OFFSET 1000";
            values["event_id"] = (string)(await id.ExecuteScalarAsync())!;
        }
        return values;
    }
}
