using System.Text;
using System.Text.Json.Nodes;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>Request bodies as a client service would send them.</summary>
public static class Events
{
    public static JsonObject LlmCall(string id, string actor = "alice@example.com", string model = "gpt-4o", string application = "support-bot",
        (string Name, int Version)? prompt = null, DateTimeOffset? at = null, string text = "What is covered?")
    {
        var e = new JsonObject
        {
            ["id"] = id,
            ["type"] = "llm.call",
            ["occurredAt"] = (at ?? DateTimeOffset.UtcNow.AddMinutes(-5)).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = actor, ["kind"] = "user" },
            ["application"] = application,
            ["model"] = model,
            ["provider"] = "openai",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
            ["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Your policy covers windscreens." }),
            ["status"] = "ok",
        };
        if (prompt is { } p) e["prompt"] = new JsonObject { ["name"] = p.Name, ["version"] = p.Version };
        return e;
    }

    public static JsonObject PromptCreated(string id, string name, int version, string author, int? parent = null)
    {
        var prompt = new JsonObject { ["name"] = name, ["version"] = version, ["template"] = $"Template {version} for {{{{topic}}}}" };
        if (parent is not null) prompt["parentVersion"] = parent.Value;
        return new JsonObject
        {
            ["id"] = id, ["type"] = "prompt.version.created", ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
            ["actor"] = new JsonObject { ["id"] = author, ["kind"] = "user" }, ["prompt"] = prompt,
        };
    }

    public static JsonObject PromptDecision(string id, string type, string name, int version, string actor) => new()
    {
        ["id"] = id, ["type"] = type, ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
        ["actor"] = new JsonObject { ["id"] = actor, ["kind"] = "user" },
        ["prompt"] = new JsonObject { ["name"] = name, ["version"] = version },
    };

    public static StringContent Batch(params JsonNode[] events) =>
        new(new JsonObject { ["events"] = new JsonArray(events) }.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonObject> PostAsync(HttpClient client, params JsonNode[] events)
    {
        var response = await client.PostAsync("/api/v1/events", Batch(events));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<(int Status, JsonObject Body)> SendAsync(HttpClient client, HttpContent content)
    {
        var response = await client.PostAsync("/api/v1/events", content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    public static async Task<JsonObject> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
