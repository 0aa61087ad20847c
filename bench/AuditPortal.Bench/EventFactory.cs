using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AuditPortal.Bench;

/// <summary>
/// Realistic llm.call events of a fixed JSON size (DESIGN.md §4): every envelope field a client
/// typically sends, and input/output messages padded with pseudo-random words so that each event is
/// exactly <c>eventBytes</c> of JSON. Request bodies are built before timing starts, so the sender
/// spends its CPU on HTTP only (it shares the machine's cores with the portal).
/// </summary>
public sealed class EventFactory(int eventBytes, string runTag)
{
    private static readonly string[] Words =
    [
        "the", "claim", "customer", "policy", "refund", "order", "invoice", "account", "summary", "review", "please",
        "shipment", "delayed", "warranty", "request", "approved", "pending", "details", "number", "support", "ticket",
        "escalate", "contract", "renewal", "premium", "coverage", "payment", "status", "update", "thanks", "question",
    ];
    private static readonly (string Model, string Provider)[] Models =
    [
        ("gpt-4o-2024-08-06", "openai"), ("claude-sonnet-4-5", "anthropic"), ("gemini-2.5-pro", "gcp.gemini"),
    ];
    private static readonly string[] Applications = ["support-bot", "claims-triage", "sales-assistant"];

    private readonly DateTimeOffset _epoch = DateTimeOffset.UtcNow.AddHours(-2);

    /// <summary>One request body {"events":[…]} with events <paramref name="first"/> … first+count-1.</summary>
    public byte[] Batch(string phase, int first, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(count * (eventBytes + 16) + 32);
        buffer.Write("{\"events\":["u8);
        for (var i = 0; i < count; i++)
        {
            if (i > 0) buffer.Write(","u8);
            buffer.Write(Event(phase, first + i));
        }
        buffer.Write("]}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One event of exactly eventBytes UTF-8 bytes (all text is ASCII, nothing needs escaping).</summary>
    public byte[] Event(string phase, int index)
    {
        var random = new Random(index * 7919 + phase.Length);
        var bare = Render(phase, index, "", "");
        var padding = Math.Max(0, eventBytes - bare.Length);
        var question = Text(random, padding * 2 / 5);
        var answer = Text(random, padding - question.Length);
        var rendered = Render(phase, index, question, answer);
        return rendered;
    }

    private byte[] Render(string phase, int index, string question, string answer)
    {
        var (model, provider) = Models[index % Models.Length];
        var user = index % 500;
        var output = new ArrayBufferWriter<byte>(eventBytes + 64);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("id", $"bench-{runTag}-{phase}-{index:D8}");
            json.WriteString("type", "llm.call");
            json.WriteString("occurredAt", _epoch.AddMilliseconds(index).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture));
            json.WriteStartObject("actor");
            json.WriteString("id", $"user-{user:D4}");
            json.WriteString("kind", "user");
            json.WriteString("displayName", $"Bench User {user}");
            json.WriteEndObject();
            json.WriteString("application", Applications[index % Applications.Length]);
            json.WriteString("sessionId", $"sess-{index / 20:D8}");
            json.WriteString("traceId", Hex(index, 32));
            json.WriteString("spanId", Hex(index * 31, 16));
            json.WriteString("model", model);
            json.WriteString("provider", provider);
            json.WriteString("responseModel", model);
            json.WriteStartObject("usage");
            json.WriteNumber("inputTokens", 100 + index % 900);
            json.WriteNumber("outputTokens", 50 + index % 400);
            json.WriteEndObject();
            json.WriteNumber("latencyMs", 200 + index % 3000);
            json.WriteString("status", "ok");
            json.WriteStartArray("input");
            Message(json, "system", "You are a helpful assistant for customer support.");
            Message(json, "user", question);
            json.WriteEndArray();
            json.WriteStartArray("output");
            Message(json, "assistant", answer);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static void Message(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }

    private static string Text(Random random, int length)
    {
        if (length <= 0) return "";
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(Words[random.Next(Words.Length)]);
        }
        text.Length = length;
        return text.ToString().TrimEnd().PadRight(length, '.');
    }

    private static string Hex(int seed, int length)
    {
        var bytes = new byte[length / 2];
        new Random(seed).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
