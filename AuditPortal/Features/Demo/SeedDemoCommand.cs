using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Demo;

/// <summary>The `seed-demo [--events N] [--days D]` verb: loads a demo history and says how fast it went.</summary>
public static class SeedDemoCommand
{
    private const int ReportEvery = 100_000;

    public static async Task<int> RunAsync(IServiceProvider services, SeedDemoOptions options, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var nextReport = ReportEvery;
        var progress = new SynchronousProgress(appended =>
        {
            if (appended < nextReport) return;
            nextReport += ReportEvery;
            Console.Error.WriteLine($"  {appended.ToString("N0", CultureInfo.InvariantCulture)} of {options.Events.ToString("N0", CultureInfo.InvariantCulture)} events ({Rate(appended, stopwatch.Elapsed)})");
        });
        try
        {
            var loaded = await services.GetRequiredService<DemoData>().SeedAsync(options, cancellationToken, progress: progress);
            Console.Error.WriteLine($"Loaded {loaded.ToString("N0", CultureInfo.InvariantCulture)} demo events over {options.Days} days in {stopwatch.Elapsed.TotalSeconds:F1} s ({Rate(loaded, stopwatch.Elapsed)}).");
            // The text search index follows the log in the portal; bring it up to date here so that a
            // portal started next (the timeline bench) searches an index, not a long unindexed tail.
            stopwatch.Restart();
            await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync(cancellationToken);
            var indexed = await SqliteSearchIndexer.CatchUpAsync(db, cancellationToken: cancellationToken);
            if (indexed > 0)
                Console.Error.WriteLine($"Indexed {indexed.ToString("N0", CultureInfo.InvariantCulture)} entries for text search in {stopwatch.Elapsed.TotalSeconds:F1} s.");
            stopwatch.Restart();
            var sealedPartitions = await SqliteSearchIndexSealer.SealAllAsync(db, services.GetRequiredService<SigningKeyHolder>().Signer, cancellationToken);
            if (sealedPartitions > 0)
                Console.Error.WriteLine($"Sealed {sealedPartitions} full text search partitions in {stopwatch.Elapsed.TotalSeconds:F1} s.");
            return 0;
        }
        catch (DemoAlreadyLoadedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static string Rate(int events, TimeSpan elapsed) =>
        $"{(events / Math.Max(elapsed.TotalSeconds, 0.001)).ToString("N0", CultureInfo.InvariantCulture)} events/s";

    /// <summary>Progress&lt;T&gt; would post to the thread pool and could report out of order.</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
