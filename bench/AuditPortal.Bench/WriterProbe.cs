using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AuditPortal.Bench;

/// <summary>
/// Stands in for the portal's writer while something else uses a SQLite ledger: on a connection of its
/// own it takes the write lock (<c>BEGIN IMMEDIATE</c>, then <c>ROLLBACK</c>) every 10 ms and records how
/// long each turn waited. The longest wait is how long an append would have stalled.
/// </summary>
public sealed class WriterProbe : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<double> _waitsMs = [];
    private readonly Task _loop;

    private WriterProbe(string connectionString) =>
        _loop = Task.Factory.StartNew(() => Loop(connectionString), TaskCreationOptions.LongRunning);

    public static WriterProbe Start(string connectionString) => new(connectionString);

    private void Loop(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            // The portal's own busy timeout (SqliteConnectionSetup).
            setup.CommandText = "PRAGMA busy_timeout=30000;";
            setup.ExecuteNonQuery();
        }
        var clock = new Stopwatch();
        while (!_stop.IsCancellationRequested)
        {
            clock.Restart();
            using (var transaction = connection.BeginTransaction(deferred: false)) transaction.Rollback();
            lock (_waitsMs) _waitsMs.Add(clock.Elapsed.TotalMilliseconds);
            Thread.Sleep(10);
        }
    }

    /// <summary>Stops the probe and returns its turns' longest wait and their 99th percentile, in milliseconds.</summary>
    public async Task<(double LongestMs, double P99Ms, int Turns)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_waitsMs)
        {
            if (_waitsMs.Count == 0) return (0, 0, 0);
            var sorted = _waitsMs.Order().ToList();
            return (sorted[^1], sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(0.99 * sorted.Count) - 1)], sorted.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_loop.IsCompleted) await StopAsync();
        _stop.Dispose();
    }
}
