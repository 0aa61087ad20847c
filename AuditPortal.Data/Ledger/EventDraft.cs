using System.Text.Json.Nodes;

namespace AuditPortal.Data.Ledger;

/// <summary>Who did something, or who submitted it: a user, a service account or the system.</summary>
public sealed record ActorRef(string Id, string Kind, string? DisplayName = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = Id, ["kind"] = Kind };
        if (DisplayName is not null) json["displayName"] = DisplayName;
        return json;
    }
}

public static class ActorKinds
{
    public const string User = "user";
    public const string Service = "service";
    public const string System = "system";
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { User, Service, System };
}

/// <summary>
/// A validated event waiting for its place in the log: everything except the position, the
/// recording time and the content salt, which the appender assigns inside the append transaction.
/// </summary>
public sealed class EventDraft
{
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required DateTime OccurredAtUtc { get; init; }
    public required ActorRef Actor { get; init; }
    public required ActorRef SubmittedBy { get; init; }

    /// <summary>
    /// The remaining envelope fields (application, model, provider, prompt, attributes, …), already
    /// in the canonical profile. Never reparented, so one draft can be rendered more than once.
    /// </summary>
    public required IReadOnlyDictionary<string, JsonNode> Fields { get; init; }

    /// <summary>Canonical bytes of the content object.</summary>
    public required byte[] Content { get; init; }

    public string? Application => Text("application");
    public string? Model => Text("model");
    public string? Provider => Text("provider");
    public string? PromptName => Fields.TryGetValue("prompt", out var p) ? (string?)p["name"] : null;
    public int? PromptVersion => Fields.TryGetValue("prompt", out var p) ? (int?)(long?)p["version"] : null;

    private string? Text(string field) => Fields.TryGetValue(field, out var value) ? (string?)value : null;
}
