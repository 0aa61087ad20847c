using System.Diagnostics;
using System.Net.Http.Headers;

namespace AuditPortal.Bench;

/// <summary>
/// N concurrent senders, each with its own HttpClient (and so its own connection), take the next
/// prebuilt request body from a shared counter and POST it to /api/v1/events until all are sent.
/// Every response must be 200 with fresh receipts (no duplicates): the bench fails rather than
/// report a rate of rejected requests.
/// </summary>
public static class IngestRun
{
    public static async Task<IngestResult> RunAsync(Uri baseAddress, string apiKey, IReadOnlyList<byte[]> bodies, int eventsPerBody,
        int senders, int? portalPid)
    {
        var latencies = new double[bodies.Count];
        var next = -1;
        var clients = Enumerable.Range(0, senders).Select(_ => Client(baseAddress, apiKey)).ToList();
        try
        {
            // One request per connection first, so connection setup is not part of the timing.
            await Task.WhenAll(clients.Select(c => c.GetAsync("/")));
            var cpu = CpuSampler.Start(portalPid);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                while (true)
                {
                    var index = Interlocked.Increment(ref next);
                    if (index >= bodies.Count) return;
                    latencies[index] = await PostAsync(client, bodies[index], eventsPerBody);
                }
            })));
            clock.Stop();
            var use = cpu.Stop();
            return new IngestResult((long)bodies.Count * eventsPerBody, clock.Elapsed, latencies, use);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Task<double> PostAsync(HttpClient client, byte[] body, int events)
    {
        var start = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/api/v1/events", content);
        var answer = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /api/v1/events answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
        var fresh = Count(answer, "\"duplicate\":false"u8);
        if (fresh != events)
            throw new InvalidOperationException($"Expected {events} fresh receipts, got {fresh}: {System.Text.Encoding.UTF8.GetString(answer)[..Math.Min(500, answer.Length)]}");
        return elapsed;
    }

    private static int Count(ReadOnlySpan<byte> text, ReadOnlySpan<byte> what)
    {
        var count = 0;
        for (int at; (at = text.IndexOf(what)) >= 0; text = text[(at + what.Length)..]) count++;
        return count;
    }

    private static HttpClient Client(Uri baseAddress, string apiKey)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1 };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }
}

public sealed record IngestResult(long Events, TimeSpan Elapsed, double[] LatenciesMs, CpuUse Cpu)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    public double Percentile(double p)
    {
        var sorted = LatenciesMs.Order().ToArray();
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
