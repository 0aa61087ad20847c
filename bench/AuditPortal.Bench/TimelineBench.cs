using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditPortal.Bench;

/// <summary>
/// The `timeline` verb (bench/README.md): fills a fresh ledger with the portal's own `seed-demo` verb,
/// then times the first page of 50 through <c>GET /api/v1/events</c> for every single filter and
/// every pair, with and without a time range, text that matches often, rarely and never, and a page
/// 100 cursors deep; p50/p95 per query. Then bytes per event by table and index.
/// </summary>
public static class TimelineBench
{
    private const int PageSize = 50;

    public sealed class Options
    {
        public List<BenchProvider> Providers { get; } = [];
        public int Events { get; set; } = 1_000_000;
        public int Days { get; set; } = 30;
        public int Runs { get; set; } = 20;
        public string? PostgresConnectionString { get; set; } = Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_POSTGRES");
        public string? PortalDll { get; set; }
        public string? WorkDirectory { get; set; }
        public bool Keep { get; set; }
        /// <summary>Use the ledger an earlier <c>--keep</c> run left in the work dir (and the named PostgreSQL database) instead of seeding again.</summary>
        public bool Reuse { get; set; }
        /// <summary>Seed and stop: fill the ledger now (it may be on a loaded machine) and time the queries later with <c>--reuse</c> on an idle one.</summary>
        public bool SeedOnly { get; set; }
        public string? PostgresDatabase { get; set; }

        public static Options Parse(string[] args)
        {
            var o = new Options();
            string? providers = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive integer");
                switch (args[i])
                {
                    case "--providers": providers = Value(); break;
                    case "--events": o.Events = Count(); break;
                    case "--days": o.Days = Count(); break;
                    case "--runs": o.Runs = Count(); break;
                    case "--postgres": o.PostgresConnectionString = Value(); break;
                    case "--portal": o.PortalDll = Value(); break;
                    case "--work-dir": o.WorkDirectory = Value(); break;
                    case "--keep": o.Keep = true; break;
                    case "--reuse": o.Reuse = true; break;
                    case "--seed-only": o.SeedOnly = o.Keep = true; break;
                    case "--postgres-database": o.PostgresDatabase = Value(); break;
                    default: throw new ArgumentException($"unknown option {args[i]}; timeline [--providers sqlite,postgres] [--events N] [--days D] [--runs R] [--postgres CONNSTR] [--postgres-database NAME] [--portal PATH] [--work-dir DIR] [--keep] [--seed-only] [--reuse]");
                }
            }
            foreach (var name in (providers ?? (o.PostgresConnectionString is null ? "sqlite" : "sqlite,postgres")).Split(',', StringSplitOptions.RemoveEmptyEntries))
                o.Providers.Add(name.Trim().ToLowerInvariant() switch
                {
                    "sqlite" => BenchProvider.Sqlite,
                    "postgres" => BenchProvider.Postgres,
                    _ => throw new ArgumentException($"unknown provider {name}"),
                });
            if (o.Providers.Contains(BenchProvider.Postgres) && o.PostgresConnectionString is null)
                throw new ArgumentException("postgres needs --postgres CONNSTR or AUDITPORTAL_TEST_POSTGRES");
            if ((o.Reuse || o.SeedOnly) && o.WorkDirectory is null)
                throw new ArgumentException("--reuse and --seed-only need --work-dir DIR (where the ledger is kept)");
            if (o.Reuse) o.Keep = true;
            return o;
        }
    }

    public static async Task<int> RunAsync(Options options, string portalDll, string workDirectory)
    {
        var tag = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await using var postgres = options.Providers.Contains(BenchProvider.Postgres)
            ? new PostgresDatabases(options.PostgresConnectionString!) { Keep = options.Keep }
            : null;
        Console.WriteLine($"timeline: {options.Events:N0} seed-demo events over {options.Days} days, first page of {PageSize}, {options.Runs} runs per query");
        var failed = false;
        foreach (var provider in options.Providers)
        {
            try
            {
                var directory = Path.Combine(workDirectory, $"timeline-{provider.ToString().ToLowerInvariant()}");
                var connection = provider == BenchProvider.Sqlite
                    ? $"Data Source={Path.Combine(directory, "ledger.db")}"
                    : options.Reuse && options.PostgresDatabase is { } kept
                        ? postgres!.ConnectionTo(kept)
                        : await postgres!.CreateAsync(options.PostgresDatabase ?? $"auditbench_{tag}_timeline");
                await RunProviderAsync(provider, portalDll, connection, directory, options);
            }
            catch (Exception e)
            {
                failed = true;
                Console.WriteLine($"[{provider}] FAILED: {e.Message}");
                Console.Error.WriteLine(e);
            }
        }
        return failed ? 1 : 0;
    }

    private static async Task RunProviderAsync(BenchProvider provider, string portalDll, string connection, string directory, Options options)
    {
        var name = provider == BenchProvider.Sqlite ? "SQLite" : "PostgreSQL";
        Console.WriteLine();
        Console.WriteLine($"== {name} ==");
        await using var portal = BenchPortal.Create(portalDll, provider == BenchProvider.Sqlite ? "Sqlite" : "Postgres", connection, directory);
        var readKey = await portal.RunCheckedAsync("apikey", "create", "--name", $"timeline-bench-{Guid.NewGuid():N}", "--scope", "read");
        if (!options.Reuse)
        {
            var seed = Stopwatch.StartNew();
            await portal.RunCheckedAsync("seed-demo", "--events", options.Events.ToString(CultureInfo.InvariantCulture), "--days", options.Days.ToString(CultureInfo.InvariantCulture));
            Console.WriteLine($"[{name}] seed-demo {options.Events:N0} events: {seed.Elapsed.TotalSeconds:F0} s");
        }

        var values = await Sample.ReadAsync(provider, connection);
        Console.WriteLine($"[{name}] {values.Entries:N0} entries; filter values: {string.Join(", ", values.Filters.Select(f => $"{f.Key}={f.Value}"))}");
        if (options.SeedOnly)
        {
            Console.WriteLine($"[{name}] seeded; time the queries later with --reuse --work-dir {Path.GetDirectoryName(directory)}" +
                              (provider == BenchProvider.Postgres ? $" --postgres-database {new NpgsqlConnectionStringBuilder(connection).Database}" : ""));
            return;
        }

        await portal.StartAsync();
        using var client = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);

        var queries = Queries(values).ToList();
        // Warm the portal (JIT, connection pool) and the database cache once through every query.
        foreach (var (_, query) in queries) await PageAsync(client, query);

        Console.WriteLine($"| {name} query | rows | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (label, query) in queries)
        {
            var times = new List<double>(options.Runs);
            var rows = 0;
            for (var run = 0; run < options.Runs; run++)
            {
                var clock = Stopwatch.StartNew();
                (rows, _) = await PageAsync(client, query);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"| {label} | {rows} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} |");
        }

        // A page 100 cursors deep: follow nextCursor, then time that page like the first.
        foreach (var (label, query) in new[] { ("no filter", ""), ($"type={values.Filters["type"]}", $"type={Uri.EscapeDataString(values.Filters["type"])}") })
        {
            string? cursor = null;
            for (var page = 1; page < 100; page++)
                (_, cursor) = await PageAsync(client, Join(query, cursor is null ? "" : $"cursor={cursor}"));
            if (cursor is null) { Console.WriteLine($"| {label}, page 100 | fewer than 100 pages | | |"); continue; }
            var deep = Join(query, $"cursor={cursor}");
            var times = new List<double>();
            var rows = 0;
            for (var run = 0; run < options.Runs; run++)
            {
                var clock = Stopwatch.StartNew();
                (rows, _) = await PageAsync(client, deep);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"| {label}, page 100 | {rows} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} |");
        }
        await portal.StopAsync();

        Console.WriteLine();
        Console.WriteLine($"| {name} table or index | bytes | bytes per event |");
        Console.WriteLine("|---|---:|---:|");
        var total = 0L;
        foreach (var (objectName, bytes) in await Storage.ReadAsync(provider, connection))
        {
            total += bytes;
            Console.WriteLine($"| {objectName} | {bytes:N0} | {bytes / (double)Math.Max(1, values.Entries):F0} |");
        }
        Console.WriteLine($"| total | {total:N0} | {total / (double)Math.Max(1, values.Entries):F0} |");
    }

    /// <summary>Every single filter and every pair, each without and with a time range (the six days before the newest day), then text.</summary>
    private static IEnumerable<(string Label, string Query)> Queries(Sample values)
    {
        var filters = values.Filters.Select(f => (Label: $"{f.Key}={f.Value}", Query: f.Key == "promptVersion"
            ? $"prompt={Uri.EscapeDataString(values.Filters["prompt"])}&promptVersion={f.Value}"
            : $"{f.Key}={Uri.EscapeDataString(f.Value)}", f.Key)).ToList();
        var combinations = new List<(string Label, string Query)> { ("no filter", "") };
        combinations.AddRange(filters.Select(f => (f.Label, f.Query)));
        for (var i = 0; i < filters.Count; i++)
            for (var j = i + 1; j < filters.Count; j++)
                if (!(filters[i].Key == "prompt" && filters[j].Key == "promptVersion"))
                    combinations.Add(($"{filters[i].Label} & {filters[j].Label}", Join(filters[i].Query, filters[j].Query)));
        var range = $"from={Uri.EscapeDataString(values.Newest.AddDays(-7).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}" +
                    $"&to={Uri.EscapeDataString(values.Newest.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}";
        foreach (var (label, query) in combinations)
        {
            yield return (label, query);
            yield return (label + ", 6-day range", Join(query, range));
        }
        // Every query is recorded as an access event holding its q, so text that matches nothing must
        // be new on every request ({n} is replaced per request) or it would match the earlier ones.
        foreach (var (label, text) in new[] { ("often", values.OftenText), ("rarely", values.RareText), ("never", "zqxj-nothing-{n}") })
        {
            yield return ($"q={text} ({label})", $"q={Uri.EscapeDataString(text)}");
            yield return ($"q={text} ({label}), 6-day range", Join($"q={Uri.EscapeDataString(text)}", range));
            yield return ($"q={text} ({label}) & type={values.Filters["type"]}", Join($"q={Uri.EscapeDataString(text)}", $"type={Uri.EscapeDataString(values.Filters["type"])}"));
        }
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "&" + b;

    private static async Task<(int Rows, string? NextCursor)> PageAsync(HttpClient client, string query)
    {
        query = query.Replace("%7Bn%7D", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        using var response = await client.GetAsync("/api/v1/events?" + Join(query, $"limit={PageSize}"));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET /api/v1/events?{query} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var page = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var next = page.RootElement.GetProperty("nextCursor");
        return (page.RootElement.GetProperty("events").GetArrayLength(), next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }

    private static double Percentile(List<double> sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static DbConnection Open(BenchProvider provider, string connection)
    {
        DbConnection c = provider == BenchProvider.Sqlite ? new SqliteConnection(connection) : new NpgsqlConnection(connection);
        c.Open();
        return c;
    }

    /// <summary>Filter values from the seeded ledger: each column's most common value, so that single filters match many rows and pairs anything from many to none.</summary>
    private sealed record Sample(long Entries, DateTime Newest, Dictionary<string, string> Filters, string OftenText, string RareText)
    {
        public static async Task<Sample> ReadAsync(BenchProvider provider, string connectionString)
        {
            await using var connection = Open(provider, connectionString);
            async Task<string> Scalar(string sql, string? parameter = null)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                if (parameter is not null)
                {
                    var p = command.CreateParameter();
                    p.ParameterName = "p";
                    p.Value = parameter;
                    command.Parameters.Add(p);
                }
                return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? throw new InvalidOperationException($"no value: {sql}");
            }
            // Fixed statements; the column names come from this list, not from input.
            string MostCommon(string column) =>
                $"SELECT {column} FROM ledger_entries WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 1";
            var filters = new Dictionary<string, string>
            {
                ["actor"] = await Scalar(MostCommon("actor_id")),
                ["type"] = await Scalar(MostCommon("type")),
                ["application"] = await Scalar(MostCommon("application")),
                ["model"] = await Scalar(MostCommon("model")),
                ["prompt"] = await Scalar(MostCommon("prompt_name")),
            };
            filters["promptVersion"] = await Scalar(
                "SELECT prompt_version FROM ledger_entries WHERE prompt_name = @p AND prompt_version IS NOT NULL GROUP BY prompt_version ORDER BY count(*) DESC LIMIT 1",
                filters["prompt"]);
            var entries = long.Parse(await Scalar("SELECT count(*) FROM ledger_entries"), CultureInfo.InvariantCulture);
            var newest = DateTime.SpecifyKind(DateTime.Parse(await Scalar("SELECT max(occurred_at) FROM ledger_entries"), CultureInfo.InvariantCulture), DateTimeKind.Utc);
            // Rare: one event's id from the middle of the ledger (it matches that event, perhaps a few).
            var rare = await Scalar($"SELECT event_id FROM ledger_entries WHERE sequence = {entries / 2}");
            return new Sample(entries, newest, filters, filters["model"], rare);
        }
    }

    private static class Storage
    {
        private const string SqliteSql = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC";

        public static async Task<List<(string Name, long Bytes)>> ReadAsync(BenchProvider provider, string connectionString)
        {
            if (provider == BenchProvider.Sqlite && !await HasDbstatAsync(connectionString)) return await SqliteCliAsync(connectionString);
            await using var connection = Open(provider, connectionString);
            await using var command = connection.CreateCommand();
            command.CommandText = provider == BenchProvider.Sqlite
                ? SqliteSql
                // Heap (with its TOAST) per table, and each index, in the public schema.
                : "SELECT c.relname, pg_relation_size(c.oid) + coalesce(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0) FROM pg_class c " +
                  "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i') ORDER BY 2 DESC";
            var result = new List<(string, long)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) result.Add((reader.GetString(0), reader.GetInt64(1)));
            return result;
        }

        private static async Task<bool> HasDbstatAsync(string connectionString)
        {
            await using var connection = Open(BenchProvider.Sqlite, connectionString);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM pragma_module_list WHERE name = 'dbstat'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
        }

        /// <summary>The SQLite bundled with Microsoft.Data.Sqlite lacks dbstat; the sqlite3 shell (Debian's sqlite3 package) has it.</summary>
        private static async Task<List<(string Name, long Bytes)>> SqliteCliAsync(string connectionString)
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var start = new ProcessStartInfo("sqlite3", ["-readonly", "-separator", "|", file, SqliteSql]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sqlite3");
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"sqlite3 (for dbstat) exited {process.ExitCode}: {error}");
            return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('|'))
                .Select(parts => (parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture)))];
        }
    }
}
