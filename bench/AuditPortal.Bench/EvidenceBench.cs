using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Demo;
using AuditPortal.Features.Evidence;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Bench;

/// <summary>
/// The `evidence` verb (bench/README.md): export a pack of every event of a seeded SQLite ledger
/// in-process through EvidenceExporter, timing it and the process's peak resident memory during the
/// export, then verify-pack's check of that pack (EvidencePackVerifier), beside the cheapest read of
/// the same rows (envelopes, leaf hashes, contents) with plain ADO.NET in the same run.
/// </summary>
public static class EvidenceBench
{
    private const string Usage = "usage: evidence [--events N (default 100000)] [--days D (30)] [--work-dir DIR] [--keep]";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = 100_000;
        var days = 30;
        string? workDirectory = null;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n): events = n; i++; break;
                case "--days" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var d): days = d; i++; break;
                case "--work-dir" when i + 1 < args.Length: workDirectory = args[++i]; break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (!SeedDemoOptions.TryCreate(events, days, out var seed, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            return 2;
        }
        var directory = Path.GetFullPath(workDirectory ?? Path.Combine(Path.GetTempPath(), $"auditportal-evidence-{DateTime.UtcNow:yyyyMMddHHmmss}"));
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "ledger.db");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = directory });
        builder.AddAuditPortal();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditPortal:Database:Provider"] = "Sqlite",
            ["AuditPortal:Database:ConnectionString"] = $"Data Source={database}",
            ["AuditPortal:Signing:KeyFile"] = Path.Combine(directory, "signing.key"),
            ["AuditPortal:Signing:Origin"] = "bench.example/auditportal",
            ["AuditPortal:Anchors:Directory"] = Path.Combine(directory, "anchors"),
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

        Console.WriteLine($"evidence: {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}; work {directory}");
        var seedClock = Stopwatch.StartNew();
        await services.GetRequiredService<DemoData>().SeedAsync(seed!, CancellationToken.None);
        Console.WriteLine($"seeded {events:N0} demo events in {seedClock.Elapsed.TotalSeconds:F1} s (not a figure: setup)");

        // Let the checkpointer catch up with the seeding first, so the export's own checkpoint is a quick one.
        while (await ScalarAsync(database, "SELECT COALESCE(MAX(tree_size), 0) FROM checkpoints") < await ScalarAsync(database, "SELECT COUNT(*) FROM ledger_entries"))
            await Task.Delay(100);

        // Baseline: the cheapest read of what a pack of everything holds.
        var baseline = Stopwatch.StartNew();
        var rows = await ReadAllAsync(database);
        var baselineSeconds = baseline.Elapsed.TotalSeconds;

        var pack = Path.Combine(directory, "evidence-bench.zip");
        var exporter = services.GetRequiredService<EvidenceExporter>();
        var everything = EventQueryParser.Parse([], new FieldErrors());
        ResetPeak();
        var exportClock = Stopwatch.StartNew();
        var result = await exporter.ExportAsync(new EvidenceRequest(everything, IncludeContent: true), new ActorRef("bench@example.com", ActorKinds.User),
            "bench", pack, null, CancellationToken.None);
        var exportSeconds = exportClock.Elapsed.TotalSeconds;
        var exportPeak = PeakBytes();

        var key = services.GetRequiredService<SigningKeyHolder>().Signer.Verifier;
        ResetPeak();
        var verifyClock = Stopwatch.StartNew();
        var verification = EvidencePackVerifier.Verify(pack, key);
        var verifySeconds = verifyClock.Elapsed.TotalSeconds;
        var verifyPeak = PeakBytes();
        await app.StopAsync();

        Console.WriteLine();
        Console.WriteLine("| step | entries | seconds | peak resident MiB (process) | baseline (same run) | seconds |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        Console.WriteLine($"| export (every event, with content) | {result.Counts.Events:N0} | {exportSeconds:F1} | {Mib(exportPeak)} | read {rows:N0} envelopes + contents (ADO.NET) | {baselineSeconds:F1} |");
        Console.WriteLine($"| verify-pack | {verification.Facts?.Entries ?? 0:N0} | {verifySeconds:F1} | {Mib(verifyPeak)} | | |");
        Console.WriteLine($"pack: {result.Bytes / 1024.0 / 1024.0:F1} MiB; verification: {verification}");
        Console.WriteLine();
        Console.WriteLine($"goal: export of 100,000 events < 20 s and < 1 GiB: {(events >= 100_000 ? (exportSeconds < 20 && exportPeak < 1L << 30 ? "met" : "NOT met") : "n/a (fewer events)")}");
        Console.WriteLine($"goal: verify-pack of it < 10 s: {(events >= 100_000 ? (verifySeconds < 10 ? "met" : "NOT met") : "n/a (fewer events)")}");
        if (!keep) Directory.Delete(directory, recursive: true);
        return verification.Outcome == PackOutcome.Passed ? 0 : 1;
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    private static async Task<long> ReadAllAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT e.sequence, e.envelope, e.leaf_hash, c.salt, c.content FROM ledger_entries e LEFT JOIN ledger_contents c ON c.sequence = e.sequence ORDER BY e.sequence";
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
            rows++;
        }
        return rows;
    }

    /// <summary>Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM), so each step's peak is its own.</summary>
    private static void ResetPeak()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { /* not Linux: the peak then covers the whole run */ }
        catch (UnauthorizedAccessException) { }
    }

    private static long PeakBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
}
