using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.EventBatches;
using AuditPortal.Redaction;

namespace AuditPortal.Bench;

/// <summary>
/// The `prepare` verb: the portal's per-event CPU and allocation on the request thread, in-process and
/// single-threaded, so that it is repeatable on a loaded machine. For request bodies of the default
/// bench's shape it times EventBatchParser.Parse (validation, drafts, canonical content) and
/// PreparedEvent (salt, commitment, envelope template, search text), and beside them, in the same
/// run, a baseline that does the least any ingestion must: System.Text.Json's JsonDocument.Parse of
/// the body plus SHA-256 of its bytes. Passes alternate and the best of each is printed, because the
/// tiered JIT needs several passes to settle and a shared machine slows passes at random; bytes come
/// from GC.GetAllocatedBytesForCurrentThread and do not depend on load.
/// </summary>
public static class PrepareBench
{
    private const int BatchSize = 100;

    public static int Run(string[] args)
    {
        int events = 20_000, passes = 10, eventBytes = 1024;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e >= BatchSize:
                    events = e; i++; break;
                case "--passes" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1:
                    passes = p; i++; break;
                case "--event-bytes" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 512:
                    eventBytes = b; i++; break;
                default:
                    Console.Error.WriteLine("usage: prepare [--events N (≥ 100, default 20000)] [--passes P (default 10)] [--event-bytes B (≥ 512, default 1024)]");
                    return 2;
            }
        }

        var factory = new EventFactory(eventBytes, "prepare");
        var bodies = new List<byte[]>();
        for (var first = 0; first < events; first += BatchSize)
            bodies.Add(factory.Batch("p", first, Math.Min(BatchSize, events - first)));
        var parser = new EventBatchParser(TimeProvider.System, new ContentRedactor(RedactionPlan.None));
        var submitter = new ActorRef("bench-service", ActorKinds.Service);
        Console.WriteLine($"prepare: {events:N0} llm.call events of {eventBytes} B JSON, {BatchSize} per body, one thread, best of {passes} alternating passes; " +
                          $"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var baseline = Measure.Worst;
        var parse = Measure.Worst;
        var prepare = Measure.Worst;
        for (var pass = 0; pass < passes; pass++)
        {
            baseline = Measure.Best(baseline, Time(events, () => Baseline(bodies)));
            var drafts = new List<EventDraft>(events);
            parse = Measure.Best(parse, Time(events, () => Parse(bodies, parser, submitter, drafts)));
            prepare = Measure.Best(prepare, Time(events, () => Prepare(drafts)));
        }

        var total = new Measure(parse.Microseconds + prepare.Microseconds, parse.Bytes + prepare.Bytes);
        Console.WriteLine("| step | µs/event | bytes allocated/event |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| EventBatchParser.Parse (validate, draft, canonical content) | {parse.Microseconds:0.00} | {parse.Bytes:N0} |");
        Console.WriteLine($"| PreparedEvent (salt, commitment, envelope, search text) | {prepare.Microseconds:0.00} | {prepare.Bytes:N0} |");
        Console.WriteLine($"| **portal, parse + prepare** | **{total.Microseconds:0.00}** | **{total.Bytes:N0}** |");
        Console.WriteLine($"| baseline: JsonDocument.Parse + SHA-256 of the body | {baseline.Microseconds:0.00} | {baseline.Bytes:N0} |");
        Console.WriteLine($"portal = {total.Microseconds / baseline.Microseconds:0.0}x the baseline's time per event");
        return 0;
    }

    private static void Baseline(List<byte[]> bodies)
    {
        Span<byte> hash = stackalloc byte[32];
        foreach (var body in bodies)
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.GetProperty("events").GetArrayLength() == 0) throw new InvalidOperationException("An empty bench body.");
            SHA256.HashData(body, hash);
        }
    }

    private static void Parse(List<byte[]> bodies, EventBatchParser parser, ActorRef submitter, List<EventDraft> drafts)
    {
        foreach (var body in bodies)
        {
            var result = parser.Parse(body, submitter);
            if (!result.IsValid) throw new InvalidOperationException("A bench body did not validate: " + string.Join("; ", result.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            foreach (var e in result.Events) drafts.Add(e.Draft);
        }
    }

    private static void Prepare(List<EventDraft> drafts)
    {
        var length = 0L;
        foreach (var draft in drafts) length += new PreparedEvent(draft).SearchText.Length;
        if (length == 0) throw new InvalidOperationException("No search text was derived.");
    }

    private static Measure Time(int events, Action step)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        step();
        var elapsed = clock.Elapsed;
        return new Measure(elapsed.TotalMicroseconds / events, (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / events);
    }

    private readonly record struct Measure(double Microseconds, double Bytes)
    {
        public static Measure Worst => new(double.MaxValue, double.MaxValue);

        // Time and bytes are taken from the fastest pass and the smallest allocation separately: after
        // the JIT settles, allocation per pass is constant, and time only ever suffers from noise.
        public static Measure Best(Measure a, Measure b) => new(Math.Min(a.Microseconds, b.Microseconds), Math.Min(a.Bytes, b.Bytes));
    }
}
