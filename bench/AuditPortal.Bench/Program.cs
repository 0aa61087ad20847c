using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AuditPortal.Bench;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Search;
using Microsoft.EntityFrameworkCore;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "pages") return await PagesBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "redaction") return await RedactionBench.RunAsync(args[1..], RepositoryRoot());
if (args.Length > 0 && args[0] == "evidence") return await EvidenceBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "verify") return await VerifyBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "add-checkpoints") return await CheckpointsBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "prepare") return PrepareBench.Run(args[1..]);

if (args.Length > 0 && args[0] == "timeline")
{
    TimelineBench.Options timeline;
    try
    {
        timeline = TimelineBench.Options.Parse(args[1..]);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
    var timelinePortal = Path.GetFullPath(timeline.PortalDll ?? Path.Combine(RepositoryRoot(), "AuditPortal", "bin", "Release", "net10.0", "AuditPortal.dll"));
    if (!File.Exists(timelinePortal))
    {
        Console.Error.WriteLine($"error: {timelinePortal} not found; run `dotnet build AuditPortal -c Release` or pass --portal");
        return 2;
    }
    var timelineDirectory = timeline.WorkDirectory is { } d
        ? Path.GetFullPath(d)
        : Path.Combine(Path.GetTempPath(), $"auditportal-timeline-{DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}");
    Directory.CreateDirectory(timelineDirectory);
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}; load {LoadAverage()}; work {timelineDirectory}");
    var timelineResult = await TimelineBench.RunAsync(timeline, timelinePortal, timelineDirectory);
    if (!timeline.Keep && timelineResult == 0) TryDelete(timelineDirectory);
    return timelineResult;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var portalDll = Path.GetFullPath(options.PortalDll ?? Path.Combine(RepositoryRoot(), "AuditPortal", "bin", "Release", "net10.0", "AuditPortal.dll"));
if (!File.Exists(portalDll))
{
    Console.Error.WriteLine($"error: {portalDll} not found; run `dotnet build AuditPortal -c Release` or pass --portal");
    return 2;
}

var tag = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var workDirectory = options.WorkDirectory is { } w ? Path.GetFullPath(w) : Path.Combine(Path.GetTempPath(), $"auditportal-bench-{tag}");
Directory.CreateDirectory(workDirectory);

await using var postgres = options.Providers.Contains(BenchProvider.Postgres)
    ? new PostgresDatabases(options.PostgresConnectionString!) { Keep = options.Keep }
    : null;

Console.WriteLine("AuditPortal benchmark");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}");
Console.WriteLine($"dotnet:  SDK {await DotnetSdkVersionAsync()}, runtime {RuntimeInformation.FrameworkDescription}");
if (postgres is not null) Console.WriteLine($"postgres: {await postgres.ServerVersionAsync()}");
Console.WriteLine($"portal:  {portalDll}");
Console.WriteLine($"work:    {workDirectory}");
Console.WriteLine($"load:    {LoadAverage()} (1/5/15-min load average before the run)");
Console.WriteLine($"shape:   {options.EventBytes} B JSON per llm.call event, {options.BatchSize} events per request, {options.Senders} senders, " +
                  $"warm-up >= {options.Warmup:N0} events and >= {options.WarmupSeconds} s, raw baseline {options.RawTransactionRows} rows per transaction");

var reports = new List<ProviderReport>();
var failed = false;
foreach (var provider in options.Providers)
{
    try
    {
        reports.Add(await RunProviderAsync(provider));
    }
    catch (Exception e)
    {
        failed = true;
        Console.WriteLine($"[{Name(provider)}] FAILED: {e.Message}");
        Console.Error.WriteLine(e);
    }
}

Console.WriteLine();
Console.WriteLine($"load:    {LoadAverage()} (after the run)");
Console.WriteLine();
Console.WriteLine("Summary (each figure beside its baseline from this run)");
Console.WriteLine("| provider | portal ingest ev/s | p50 / p99 ms | raw insert rows/s | portal % of raw | verify entries/s | plain SHA-256 entries/s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in reports)
    Console.WriteLine($"| {r.Name} | {r.Ingest.EventsPerSecond:N0} | {r.Ingest.Percentile(50):0.0} / {r.Ingest.Percentile(99):0.0} | {r.Raw.RowsPerSecond:N0} | " +
                      $"{r.PercentOfRaw:0.0} % | {r.Verify.EntriesPerSecond:N0} | {r.Hash.EntriesPerSecond:N0} |");
Console.WriteLine();
Console.WriteLine("Goals");
foreach (var r in reports.Where(r => r.Provider == BenchProvider.Sqlite))
{
    Goal($"SQLite ingestion >= 20,000 events/s", r.Ingest.EventsPerSecond >= 20_000, $"{r.Ingest.EventsPerSecond:N0} ev/s");
    Goal($"SQLite ingestion >= 50 % of raw insert rate", r.PercentOfRaw >= 50, $"{r.PercentOfRaw:0.0} %");
}
foreach (var r in reports)
    Goal($"{r.Name} verify >= 300,000 entries/s", r.Verify.EntriesPerSecond >= 300_000, $"{r.Verify.EntriesPerSecond:N0} entries/s");

if (!options.Keep && !failed) TryDelete(workDirectory);
return failed ? 1 : 0;

async Task<ProviderReport> RunProviderAsync(BenchProvider provider)
{
    var name = Name(provider);
    var events = options.EventsFor(provider);
    var directory = Path.Combine(workDirectory, name.ToLowerInvariant());
    Directory.CreateDirectory(directory);
    Console.WriteLine();
    Console.WriteLine($"== {name}: {events:N0} events ==");

    // 1. Ingestion over HTTP into a fresh ledger.
    var portalConnection = provider == BenchProvider.Sqlite
        ? $"Data Source={Path.Combine(directory, "ledger.db")}"
        : await postgres!.CreateAsync($"auditbench_{tag}_portal");
    var factory = new EventFactory(options.EventBytes, tag);
    var measuredBodies = Bodies(factory, "m", events);
    var jsonPerEvent = measuredBodies.Sum(b => (long)b.Length) / (double)Math.Max(1, events);

    IngestResult ingest;
    long warmed = 0;
    var warmChunks = new List<int>();
    await using (var portal = BenchPortal.Create(portalDll, provider == BenchProvider.Sqlite ? "Sqlite" : "Postgres", portalConnection, directory, options.PortalEnvironment))
    {
        var apiKey = await portal.RunCheckedAsync("apikey", "create", "--name", "bench", "--scope", "ingest");
        await portal.StartAsync();
        Console.WriteLine($"[{name}] portal pid {portal.ProcessId} on {portal.BaseAddress}; log {Path.Combine(directory, "portal.log")}");
        try
        {
            // Warm up for a number of events and a minimum time: on 2 cores the tiered JIT keeps
            // recompiling hot methods for 20-30 s of load, which is not the portal's steady state.
            var warmClock = Stopwatch.StartNew();
            var warmPosting = TimeSpan.Zero;
            for (var chunk = 0; warmed < options.Warmup || warmClock.Elapsed < TimeSpan.FromSeconds(options.WarmupSeconds); chunk++)
            {
                var count = (int)Math.Max(options.BatchSize * options.Senders, Math.Min(10_000, options.Warmup - warmed));
                var warm = await IngestRun.RunAsync(portal.BaseAddress!, apiKey, Bodies(factory, $"w{chunk}", count), options.BatchSize, options.Senders, portal.ProcessId);
                warmed += warm.Events;
                warmPosting += warm.Elapsed;
                warmChunks.Add(count);
            }
            if (warmed > 0)
                Console.WriteLine($"[{name}] warm-up   {warmed:N0} events in {warmClock.Elapsed.TotalSeconds:0.0} s ({warmed / warmPosting.TotalSeconds:N0} ev/s)");
            ingest = await IngestRun.RunAsync(portal.BaseAddress!, apiKey, measuredBodies, options.BatchSize, options.Senders, portal.ProcessId);
        }
        catch
        {
            Console.Error.WriteLine(portal.LogTail());
            throw;
        }
        // SQLite: the text search index follows the log in the background; wait for it before stopping,
        // so that verify (step 3) checks a fully indexed ledger, and say how far it lagged.
        if (provider == BenchProvider.Sqlite) await SearchIndexLag.WaitAsync(portalConnection, name);
        await portal.StopAsync();

        var shape = await RowShape.ReadAsync(provider, portalConnection);
        var expected = warmed + events;
        if (shape.Entries != expected) throw new InvalidOperationException($"The portal stored {shape.Entries} llm.call entries, expected {expected}.");
        Console.WriteLine($"[{name}] ingest    portal {ingest.EventsPerSecond:N0} ev/s  p50 {ingest.Percentile(50):0.0} ms  p99 {ingest.Percentile(99):0.0} ms  " +
                          $"({ingest.Events:N0} events in {ingest.Elapsed.TotalSeconds:0.00} s, {options.Senders} senders x {options.BatchSize}/request, {jsonPerEvent:0} B JSON/event)");
        Console.WriteLine($"[{name}]           {ingest.Cpu}");
        Console.WriteLine($"[{name}]           stored per event: envelope {shape.EnvelopeBytes} B, content {shape.ContentBytes} B, search_text {shape.SearchTextChars} chars, event_id {shape.EventIdChars} chars");

        // 2. Baseline: the same rows with plain ADO.NET into a database with the portal's schema, first
        // filled (untimed) with rows like the warm-up's, so both insert into equally full indexes.
        var raw = await RawBaselineAsync("raw.db", $"auditbench_{tag}_raw", withSearchIndex: true);
        // The yardstick before 2026-12-03 left SQLite's search index out; printed beside it for comparison.
        var rawRowsOnly = provider == BenchProvider.Sqlite ? await RawBaselineAsync("raw-rows.db", null, withSearchIndex: false) : null;
        var percent = 100 * ingest.EventsPerSecond / raw.RowsPerSecond;
        Console.WriteLine($"[{name}] portal {ingest.EventsPerSecond:N0} ev/s = {percent:0.0} % of raw {raw.RowsPerSecond:N0} rows/s" +
                          (rawRowsOnly is null ? "" : $" ({100 * ingest.EventsPerSecond / rawRowsOnly.RowsPerSecond:0.0} % of {rawRowsOnly.RowsPerSecond:N0} rows/s without the search index)"));

        async Task<RawResult> RawBaselineAsync(string sqliteFile, string? postgresDatabase, bool withSearchIndex)
        {
            var rawConnection = provider == BenchProvider.Sqlite
                ? $"Data Source={Path.Combine(directory, sqliteFile)}"
                : await postgres!.CreateAsync(postgresDatabase!);
            await using (var schema = LedgerDatabase.Open(provider == BenchProvider.Sqlite ? LedgerProvider.Sqlite : LedgerProvider.Postgres, rawConnection))
                await schema.Database.MigrateAsync();
            var result = await RawInsert.RunAsync(provider, rawConnection, shape, events, options.RawTransactionRows, warmChunks, withSearchIndex);
            var index = provider == BenchProvider.Postgres ? "trigram index by the server"
                : withSearchIndex ? $"FTS5 index by the portal's indexer every {SqliteSearchIndexer.DefaultBatchSize:N0} rows" : "no search index";
            Console.WriteLine($"[{name}] baseline  raw {result.RowsPerSecond:N0} rows/s ({result.Rows:N0} entries + contents in {result.Elapsed.TotalSeconds:0.00} s after {warmed:N0} untimed, " +
                              $"{options.RawTransactionRows} rows/transaction, {(provider == BenchProvider.Sqlite ? "WAL + synchronous=FULL, prepared INSERT per row" : "durable commit, one prepared batch per transaction")}, {index})");
            Console.WriteLine($"[{name}]           {result.Cpu}");
            return result;
        }

        // 3. Verification of the ledger step 1 filled, beside plain SHA-256 over the same stored bytes.
        // The CLI verifies in a fresh process, so the first run (cold JIT) is reported too; the best run is the steady rate.
        // The bench's own request bodies (~100 MB) would otherwise be marked by every full collection
        // during verification; the CLI's process holds nothing but the verifier.
        measuredBodies.Clear();
        measuredBodies.TrimExcess();
        var verifies = new List<VerifyResult>();
        var hashes = new List<VerifyResult>();
        for (var run = 0; run < options.VerifyRuns; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var v = await VerifyRun.VerifierAsync(provider, portalConnection, portal.KeyFile, portal.AnchorsDirectory);
            if (!v.Ok) throw new InvalidOperationException($"LedgerVerifier did not find the ledger intact: {v.Summary}");
            verifies.Add(v);
            hashes.Add(await VerifyRun.PlainHashAsync(provider, portalConnection));
        }
        var verify = verifies.MinBy(v => v.Elapsed)!;
        var hash = hashes.MinBy(h => h.Elapsed)!;
        Console.WriteLine($"[{name}] verify    LedgerVerifier {verify.EntriesPerSecond:N0} entries/s ({verify.Entries:N0} entries in {verify.Elapsed.TotalSeconds:0.00} s, best of {options.VerifyRuns}; " +
                          $"first run {verifies[0].EntriesPerSecond:N0} entries/s; {verify.Summary})");
        Console.WriteLine($"[{name}]           {verify.Cpu}");
        Console.WriteLine($"[{name}] baseline  plain SHA-256 {hash.EntriesPerSecond:N0} entries/s ({hash.Entries:N0} envelope+content rows read and hashed in {hash.Elapsed.TotalSeconds:0.00} s, " +
                          $"one thread, best of {options.VerifyRuns}; first run {hashes[0].EntriesPerSecond:N0} entries/s)");
        Console.WriteLine($"[{name}]           {hash.Cpu}");
        Console.WriteLine($"[{name}] verify {verify.EntriesPerSecond:N0} entries/s = {100 * verify.EntriesPerSecond / hash.EntriesPerSecond:0.0} % of plain SHA-256 {hash.EntriesPerSecond:N0} entries/s");
        // What an operator sees: `verify` in a fresh process, .NET start-up, configuration and EF Core included.
        var cliClock = Stopwatch.StartNew();
        var cliSummary = await portal.RunCheckedAsync("verify");
        cliClock.Stop();
        Console.WriteLine($"[{name}] verify    CLI `AuditPortal.dll verify`, fresh process, end to end: {verify.Entries / cliClock.Elapsed.TotalSeconds:N0} entries/s " +
                          $"({cliClock.Elapsed.TotalSeconds:0.00} s; {cliSummary})");
        return new ProviderReport(provider, name, ingest, raw, verify, hash);
    }
}

List<byte[]> Bodies(EventFactory factory, string phase, int events)
{
    var bodies = new List<byte[]>();
    for (var first = 0; first < events; first += options.BatchSize)
        bodies.Add(factory.Batch(phase, first, Math.Min(options.BatchSize, events - first)));
    return bodies;
}

static void Goal(string what, bool met, string measured) =>
    Console.WriteLine($"  {(met ? "MET    " : "NOT MET")}  {what}: {measured}");

static string Name(BenchProvider provider) => provider == BenchProvider.Sqlite ? "SQLite" : "PostgreSQL";

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "AuditPortal.sln"))) return directory.FullName;
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "AuditPortal.sln"))) return directory.FullName;
    return Environment.CurrentDirectory;
}

static string CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException) { return "unknown CPU"; }
}

static string LoadAverage()
{
    try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "?"; }
}

static async Task<string> DotnetSdkVersionAsync()
{
    try
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Trim();
    }
    catch (System.ComponentModel.Win32Exception) { return "?"; }
}

static void TryDelete(string directory)
{
    try { Directory.Delete(directory, recursive: true); }
    catch (IOException) { }
}

internal sealed record ProviderReport(BenchProvider Provider, string Name, IngestResult Ingest, RawResult Raw, VerifyResult Verify, VerifyResult Hash)
{
    public double PercentOfRaw => 100 * Ingest.EventsPerSecond / Raw.RowsPerSecond;
}
