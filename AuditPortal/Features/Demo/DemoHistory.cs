using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditPortal.Features.Demo;

/// <summary>
/// Generates the demo history as ingestion batches, oldest first: the prompt lifecycle events of
/// <see cref="DemoPrompts"/>, two configuration changes, and calls from the applications of
/// <see cref="DemoCast"/> spread evenly over the window. Every call names the prompt version that was
/// published when it was made. The same options and clock give the same history.
/// </summary>
public sealed class DemoHistory
{
    public const string IdPrefix = "demo-";
    private const int EventsPerBatch = 500;
    private const string PromptStudio = "prompt-studio";
    private const string PlatformAdmin = "platform-admin";
    private const double ModelAllowlistChange = 0.5;

    /// <summary>Prompt lifecycle events (created, decided, published where approved) plus the configuration changes.</summary>
    public static int FixedEventCount { get; } = DemoPrompts.Versions.Sum(v => v.Publisher is null ? 2 : 3) + 2;

    private readonly SeedDemoOptions _options;
    private readonly DateTimeOffset _start;
    private readonly TimeSpan _span;
    private readonly double _decisionDelay;
    private readonly Random _random = new(20261126);
    private readonly Dictionary<string, BatchBuffer> _buffers = new(StringComparer.Ordinal);
    private int _nextId;

    public DemoHistory(SeedDemoOptions options, DateTimeOffset now)
    {
        _options = options;
        var end = new DateTimeOffset(now.UtcDateTime.AddMinutes(-1), TimeSpan.Zero);
        _span = TimeSpan.FromDays(options.Days);
        _start = end - _span;
        // Decisions follow a version within two hours, or sooner in a short window.
        _decisionDelay = Math.Min(TimeSpan.FromHours(2) / _span, 0.01);
    }

    public IEnumerable<DemoBatch> Batches()
    {
        var fixedEvents = FixedEvents().OrderBy(e => e.At).ToList();
        var next = 0;
        var calls = _options.Events - FixedEventCount;
        for (var i = 0; i < calls; i++)
        {
            var at = (i + _random.NextDouble()) / calls;
            if (next < fixedEvents.Count && fixedEvents[next].At <= at)
            {
                // Calls already generated are sent first, so each call follows the publication it names.
                foreach (var pending in FlushAll()) yield return pending;
                while (next < fixedEvents.Count && fixedEvents[next].At <= at)
                    yield return Single(fixedEvents[next++]);
            }
            var full = WriteCall(at);
            if (full is not null) yield return full;
        }
        foreach (var pending in FlushAll()) yield return pending;
        while (next < fixedEvents.Count) yield return Single(fixedEvents[next++]);
    }

    private sealed record FixedEvent(double At, string Submitter, JsonObject Event);

    private IEnumerable<FixedEvent> FixedEvents()
    {
        foreach (var version in DemoPrompts.Versions)
        {
            var created = new JsonObject
            {
                ["name"] = version.Prompt, ["version"] = version.Version, ["changeNote"] = version.ChangeNote, ["template"] = version.Template,
            };
            if (version.Parent is { } parent) created["parentVersion"] = parent;
            yield return Prompt(version.At, "prompt.version.created", version.Author, created);
            var decided = version.At + _decisionDelay;
            yield return Prompt(decided, version.Rejection ? "prompt.version.rejected" : "prompt.version.approved", version.Decider,
                Reference(version), version.Comment);
            if (version.Publisher is { } publisher)
                yield return Prompt(decided + _decisionDelay, "prompt.version.published", publisher, Reference(version));
        }
        yield return Config(0.3, new JsonObject { ["change"] = "rate-limit", ["application"] = "support-bot", ["from"] = 600, ["to"] = 900, ["ticket"] = "CAB-207" });
        yield return Config(ModelAllowlistChange, new JsonObject { ["change"] = "model.allowlist", ["added"] = "mistral-large", ["ticket"] = "CAB-311" });
    }

    private static JsonObject Reference(DemoPromptVersion version) => new() { ["name"] = version.Prompt, ["version"] = version.Version };

    private FixedEvent Prompt(double at, string type, DemoPerson who, JsonObject prompt, string? comment = null)
    {
        var e = new JsonObject
        {
            ["type"] = type, ["occurredAt"] = Timestamp(at), ["actor"] = Actor(who), ["application"] = PromptStudio, ["prompt"] = prompt,
        };
        if (comment is not null) e["comment"] = comment;
        return new FixedEvent(at, PromptStudio, e);
    }

    private FixedEvent Config(double at, JsonObject attributes) => new(at, PlatformAdmin, new JsonObject
    {
        ["type"] = "config.changed", ["occurredAt"] = Timestamp(at), ["actor"] = Actor(DemoCast.Erin), ["attributes"] = attributes,
    });

    private static JsonObject Actor(DemoPerson who) => new() { ["id"] = who.Id, ["kind"] = "user", ["displayName"] = who.Name };

    private DemoBatch Single(FixedEvent fixedEvent)
    {
        var e = fixedEvent.Event.DeepClone().AsObject();
        e.Insert(0, "id", NextId());
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["events"] = new JsonArray(e) });
        return new DemoBatch(fixedEvent.Submitter, body, 1);
    }

    private DemoBatch? WriteCall(double at)
    {
        var application = Pick(DemoCast.Applications, a => a.Weight);
        var model = Pick(DemoCast.Models, m => at >= ModelAllowlistChange || m.Name != "mistral-large" ? m.Weight : 0);
        var prompt = DemoPrompts.InUseAt(application.Prompt, at, 2 * _decisionDelay);
        var person = application.Users[_random.Next(application.Users.Length)];
        var number = _random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var request = application.Requests[_random.Next(application.Requests.Length)].Replace("{n}", number, StringComparison.Ordinal);
        var failed = _random.Next(100) < 3;

        var buffer = Buffer(application.Name);
        var w = buffer.Writer;
        w.WriteStartObject();
        w.WriteString("id", NextId());
        w.WriteString("type", "llm.call");
        w.WriteString("occurredAt", Timestamp(at));
        w.WriteStartObject("actor");
        w.WriteString("id", person.Id);
        w.WriteString("kind", "user");
        w.WriteString("displayName", person.Name);
        w.WriteEndObject();
        w.WriteString("application", application.Name);
        w.WriteString("sessionId", "sess-" + _random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture));
        w.WriteString("traceId", _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture) + _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture));
        w.WriteString("model", model.Name);
        w.WriteString("provider", model.Provider);
        w.WriteString("responseModel", model.ResponseModel);
        if (prompt is not null)
        {
            w.WriteStartObject("prompt");
            w.WriteString("name", prompt.Prompt);
            w.WriteNumber("version", prompt.Version);
            w.WriteEndObject();
        }
        w.WriteStartArray("input");
        if (prompt is not null) Message(w, "system", prompt.Template.Replace("{{topic}}", request, StringComparison.Ordinal));
        Message(w, "user", application.Name == "support-bot" ? $"Hi, I have a question about {request}. What do I need to do?" : request);
        w.WriteEndArray();
        w.WriteStartArray("output");
        if (!failed)
        {
            var answer = application.Answers[_random.Next(application.Answers.Length)].Replace("{n}", number, StringComparison.Ordinal);
            if (prompt?.Template.Contains("not a claim decision", StringComparison.Ordinal) == true)
                answer += " This answer is general information, not a claim decision.";
            Message(w, "assistant", answer);
        }
        w.WriteEndArray();
        w.WriteStartObject("parameters");
        w.WriteNumber("temperature", 0.2);
        w.WriteNumber("maxTokens", 400);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("inputTokens", _random.Next(80, 1800));
        w.WriteNumber("outputTokens", failed ? 0 : _random.Next(40, 400));
        w.WriteEndObject();
        w.WriteNumber("latencyMs", _random.Next(350, 6000));
        w.WriteString("status", failed ? "error" : "ok");
        if (failed) w.WriteString("error", DemoCast.Errors[_random.Next(DemoCast.Errors.Length)]);
        w.WriteEndObject();
        return ++buffer.Count == EventsPerBatch ? buffer.Flush(application.Name) : null;
    }

    private static void Message(Utf8JsonWriter w, string role, string content)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteString("content", content);
        w.WriteEndObject();
    }

    private T Pick<T>(T[] choices, Func<T, int> weight)
    {
        var roll = _random.Next(choices.Sum(weight));
        foreach (var choice in choices)
        {
            roll -= weight(choice);
            if (roll < 0) return choice;
        }
        throw new InvalidOperationException("Weights must be positive.");
    }

    private string NextId() => IdPrefix + (++_nextId).ToString("D8", CultureInfo.InvariantCulture);

    private string Timestamp(double at) =>
        (_start + _span * Math.Clamp(at, 0, 1)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private BatchBuffer Buffer(string submitter)
    {
        if (!_buffers.TryGetValue(submitter, out var buffer)) _buffers[submitter] = buffer = new BatchBuffer();
        return buffer;
    }

    private IEnumerable<DemoBatch> FlushAll()
    {
        foreach (var (submitter, buffer) in _buffers)
            if (buffer.Count > 0) yield return buffer.Flush(submitter);
    }

    /// <summary>Calls of one application waiting to be sent as one request body.</summary>
    private sealed class BatchBuffer
    {
        private readonly ArrayBufferWriter<byte> _bytes = new(1 << 20);

        public BatchBuffer()
        {
            Writer = new Utf8JsonWriter(_bytes);
            Open();
        }

        public Utf8JsonWriter Writer { get; }
        public int Count { get; set; }

        public DemoBatch Flush(string submitter)
        {
            Writer.WriteEndArray();
            Writer.WriteEndObject();
            Writer.Flush();
            var batch = new DemoBatch(submitter, _bytes.WrittenSpan.ToArray(), Count);
            _bytes.ResetWrittenCount();
            Writer.Reset(_bytes);
            Count = 0;
            Open();
            return batch;
        }

        private void Open()
        {
            Writer.WriteStartObject();
            Writer.WriteStartArray("events");
        }
    }
}
