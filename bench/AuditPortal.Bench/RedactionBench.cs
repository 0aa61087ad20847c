using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.EventBatches;
using AuditPortal.Redaction;

namespace AuditPortal.Bench;

/// <summary>
/// The `redaction` verb: what PII redaction at ingestion costs (issue goal: under 15 % slower with
/// every detector on). Two measures, each beside its baseline in the same run:
/// 1. end to end: portals on fresh SQLite ledgers, detectors off and all on (Mask), alternating
///    rounds so that drift of a shared machine hits both alike; the median of each;
/// 2. in-process: parsing and validating the same request bodies with and without the detectors,
///    the CPU the detectors add per event, without the append around it.
/// One event in ten carries an e-mail address, a phone number and a card number in its question, so
/// replacements are made, not only scans.
/// </summary>
public static class RedactionBench
{
    private static readonly Dictionary<string, string> AllDetectors =
        PiiDetectors.Names.ToDictionary(n => $"AuditPortal__Redaction__Detectors__{n}", _ => "Mask");

    public static async Task<int> RunAsync(string[] args, string repositoryRoot)
    {
        int events = 20_000, rounds = 3;
        string? portalDll = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e >= 1000:
                    events = e; i++; break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r >= 1:
                    rounds = r; i++; break;
                case "--portal" when i + 1 < args.Length: portalDll = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: redaction [--events N (≥ 1000, default 20000)] [--rounds R (default 3)] [--portal AuditPortal.dll]");
                    return 2;
            }
        }
        portalDll = Path.GetFullPath(portalDll ?? Path.Combine(repositoryRoot, "AuditPortal", "bin", "Release", "net10.0", "AuditPortal.dll"));
        if (!File.Exists(portalDll))
        {
            Console.Error.WriteLine($"error: {portalDll} not found; run `dotnet build AuditPortal -c Release` or pass --portal");
            return 2;
        }

        var tag = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var work = Path.Combine(Path.GetTempPath(), $"auditportal-redaction-{tag}");
        var factory = new EventFactory(1000, tag);
        Console.WriteLine($"redaction: {events:N0} events of ~1 KB per run, {rounds} rounds of off/on, detectors {string.Join(", ", PiiDetectors.Names)} (Mask); work {work}");

        var off = new List<double>();
        var on = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var redacting in new[] { false, true })
            {
                var rate = await IngestAsync(portalDll, Path.Combine(work, $"{round}-{(redacting ? "on" : "off")}"), factory, events, redacting);
                (redacting ? on : off).Add(rate);
                Console.WriteLine($"  round {round} detectors {(redacting ? "on " : "off")}: {rate:N0} ev/s");
            }
        }
        var offMedian = Median(off);
        var onMedian = Median(on);
        var slower = 100 * (1 - onMedian / offMedian);
        Console.WriteLine($"end to end (median): off {offMedian:N0} ev/s, on {onMedian:N0} ev/s = {onMedian / offMedian:P1} of off, {slower:0.0} % slower");

        // In-process, alternating and best of several passes: the tiered JIT needs a few passes before
        // either parser runs at its steady speed (the first pass is 5-15x slower).
        var bodies = Bodies(factory, "p", events);
        var plainParser = Parser(RedactionPlan.None);
        var redactingParser = Parser(RedactionPlan.From(PiiDetectors.Names.ToDictionary(n => n, _ => "Mask"), () => ReadOnlyMemory<byte>.Empty));
        double plain = 0, redacted = 0;
        for (var pass = 0; pass < 8; pass++)
        {
            plain = Math.Max(plain, ParseRate(bodies, plainParser));
            redacted = Math.Max(redacted, ParseRate(bodies, redactingParser));
        }
        Console.WriteLine($"in-process parse + validate (best of 8 alternating passes): off {plain:N0} ev/s, on {redacted:N0} ev/s ({1e6 / redacted - 1e6 / plain:0.0} µs more per event)");
        Console.WriteLine($"  {(slower < 15 ? "MET    " : "NOT MET")}  ingestion with every detector on < 15 % slower: {slower:0.0} %");
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        return 0;
    }

    private static async Task<double> IngestAsync(string portalDll, string directory, EventFactory factory, int events, bool redacting)
    {
        await using var portal = BenchPortal.Create(portalDll, "Sqlite", $"Data Source={Path.Combine(directory, "ledger.db")}", directory,
            redacting ? AllDetectors : null);
        var apiKey = await portal.RunCheckedAsync("apikey", "create", "--name", "bench", "--scope", "ingest");
        await portal.StartAsync();
        // Warm-up: the JIT settles before the timed run.
        await IngestRun.RunAsync(portal.BaseAddress!, apiKey, Bodies(factory, $"w{directory.GetHashCode()}", Math.Min(events, 5000)), BatchSize, 4, portal.ProcessId);
        var result = await IngestRun.RunAsync(portal.BaseAddress!, apiKey, Bodies(factory, $"m{directory.GetHashCode()}", events), BatchSize, 4, portal.ProcessId);
        await portal.StopAsync();
        return result.EventsPerSecond;
    }

    private const int BatchSize = 100;

    private static List<byte[]> Bodies(EventFactory factory, string phase, int events)
    {
        var bodies = new List<byte[]>();
        for (var first = 0; first < events; first += BatchSize)
            bodies.Add(WithPersonalData(factory.Batch(phase, first, Math.Min(BatchSize, events - first)), first));
        return bodies;
    }

    // Every tenth event's question (the factory's "customer" word) gains contact and card details.
    private static byte[] WithPersonalData(byte[] batch, int first)
    {
        var text = Encoding.UTF8.GetString(batch);
        var builder = new StringBuilder(text.Length + 2048);
        var position = 0;
        var seen = 0;
        for (var at = text.IndexOf("\"role\":\"user\",\"content\":\"", StringComparison.Ordinal); at >= 0;
             at = text.IndexOf("\"role\":\"user\",\"content\":\"", position, StringComparison.Ordinal))
        {
            var start = at + "\"role\":\"user\",\"content\":\"".Length;
            builder.Append(text, position, start - position);
            if ((first + seen++) % 10 == 0) builder.Append("I am jane.doe@example.com, call +44 20 7946 0958, card 4111 1111 1111 1111. ");
            position = start;
        }
        return Encoding.UTF8.GetBytes(builder.Append(text, position, text.Length - position).ToString());
    }

    private static EventBatchParser Parser(RedactionPlan plan) => new(TimeProvider.System, new ContentRedactor(plan));

    private static double ParseRate(List<byte[]> bodies, EventBatchParser parser)
    {
        var submitter = new ActorRef("bench", ActorKinds.Service);
        var clock = Stopwatch.StartNew();
        var parsed = 0L;
        foreach (var body in bodies)
        {
            var result = parser.Parse(body, submitter);
            parsed += result.IsValid ? result.Events.Count : throw new InvalidOperationException("A bench body did not validate.");
        }
        return parsed / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
