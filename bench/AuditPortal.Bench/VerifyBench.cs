using System.Globalization;
using AuditPortal.Data.Signing;

namespace AuditPortal.Bench;

/// <summary>
/// The `verify` verb (bench/README.md): LedgerVerifier in-process on an existing ledger folder (SQLite,
/// or with --postgres a PostgreSQL database whose key and anchors are in the folder), R times, each run beside plain SHA-256 over the same stored bytes, so the two figures share the
/// machine's load of the moment. For profiling the verifier without refilling a ledger each time. With
/// --probe-writer (SQLite), how long the portal's appends would wait for the write lock meanwhile.
/// </summary>
public static class VerifyBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? ledgerDirectory = null, postgres = null;
        var runs = 3;
        var warmup = 0;
        var probeWriter = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--ledger-dir" when i + 1 < args.Length: ledgerDirectory = args[++i]; break;
                case "--postgres" when i + 1 < args.Length: postgres = args[++i]; break;
                case "--probe-writer": probeWriter = true; break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0:
                    runs = r; i++; break;
                case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var w):
                    warmup = w; i++; break;
                default:
                    Console.Error.WriteLine("usage: verify --ledger-dir DIR [--postgres CONNECTION_STRING] [--warmup W] [--runs R] [--probe-writer]   (DIR: a ledger folder with signing.key, anchors/ and, without --postgres, ledger.db)");
                    return 2;
            }
        }
        if (ledgerDirectory is null || (postgres is null && !File.Exists(Path.Combine(ledgerDirectory, "ledger.db"))))
        {
            Console.Error.WriteLine("error: --ledger-dir must name a folder holding signing.key, anchors/ and (without --postgres) ledger.db");
            return 2;
        }
        var provider = postgres is null ? BenchProvider.Sqlite : BenchProvider.Postgres;
        var connection = postgres ?? $"Data Source={Path.Combine(Path.GetFullPath(ledgerDirectory), "ledger.db")}";
        var keyFile = Path.Combine(ledgerDirectory, "signing.key");
        var anchors = Path.Combine(ledgerDirectory, "anchors");
        using (var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(keyFile)))
            Console.WriteLine($"ledger {ledgerDirectory}, origin {signer.Name}; {warmup} warm-up and {runs} measured runs, each verifier then plain SHA-256");
        var ratios = new List<double>();
        for (var run = 1 - warmup; run <= runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            // With --probe-writer (SQLite), a stand-in for the portal's writer takes the write lock every 10 ms
            // during both runs: how long an append would stall while verify runs, beside the same during
            // the plain read.
            var probe = probeWriter && provider == BenchProvider.Sqlite ? WriterProbe.Start(connection) : null;
            var verify = await VerifyRun.VerifierAsync(provider, connection, keyFile, anchors);
            var duringVerify = probe is null ? default : await probe.StopAsync();
            if (probe is not null) await probe.DisposeAsync();
            probe = probeWriter && provider == BenchProvider.Sqlite ? WriterProbe.Start(connection) : null;
            var hash = await VerifyRun.PlainHashAsync(provider, connection);
            var duringHash = probe is null ? default : await probe.StopAsync();
            if (probe is not null) await probe.DisposeAsync();
            if (run <= 0)
            {
                // .NET is still compiling (and, with tiered PGO, profiling) the hot code: on a machine whose
                // cores the database and the verifier share, that goes on for several runs (docs/benchmarks.md).
                Console.WriteLine($"warm-up {run + warmup}: verifier {verify.EntriesPerSecond:N0} entries/s | plain SHA-256 {hash.EntriesPerSecond:N0} entries/s");
                if (!verify.Ok) return 1;
                continue;
            }
            ratios.Add(verify.EntriesPerSecond / hash.EntriesPerSecond);
            Console.WriteLine($"run {run}: verifier {verify.EntriesPerSecond:N0} entries/s ({verify.Elapsed.TotalSeconds:0.000} s; {verify.Summary}) | " +
                              $"plain SHA-256 {hash.EntriesPerSecond:N0} entries/s ({hash.Elapsed.TotalSeconds:0.000} s) | ratio {100 * verify.EntriesPerSecond / hash.EntriesPerSecond:0.0} %");
            Console.WriteLine($"       verifier {verify.Cpu}");
            Console.WriteLine($"       verifier {verify.Gc}");
            if (probeWriter && provider == BenchProvider.Sqlite)
                Console.WriteLine($"       writer's wait for the write lock: during verify longest {duringVerify.LongestMs:N0} ms, p99 {duringVerify.P99Ms:N1} ms ({duringVerify.Turns} turns) | " +
                                  $"during plain SHA-256 longest {duringHash.LongestMs:N0} ms, p99 {duringHash.P99Ms:N1} ms ({duringHash.Turns} turns)");
            if (!verify.Ok) return 1;
        }
        ratios.Sort();
        Console.WriteLine($"ratio over the {runs} measured runs: median {100 * Median(ratios):0.0} %, range {100 * ratios[0]:0.0}-{100 * ratios[^1]:0.0} %");
        return 0;
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
