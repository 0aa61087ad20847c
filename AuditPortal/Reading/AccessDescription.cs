using Microsoft.AspNetCore.WebUtilities;

namespace AuditPortal.Reading;

/// <summary>
/// What an access event says was read, as a sentence an administrator can scan: the event viewed
/// (linked), the filters searched (with a link that opens the same search), the prompt versions
/// compared. The parts are text, rendered as text: every value comes from the ledger.
/// </summary>
public static class AccessDescription
{
    /// <summary>Filter names as the access events record them (EventQuery.Describe), with the words the page uses for them.</summary>
    private static readonly (string Key, string Parameter, string Label)[] Filters =
    [
        ("filter.actor", "actor", "user"), ("filter.type", "type", "type"), ("filter.application", "application", "application"),
        ("filter.model", "model", "model"), ("filter.prompt", "prompt", "prompt"), ("filter.promptVersion", "promptVersion", "version"),
        ("filter.from", "from", "from"), ("filter.to", "to", "to"), ("filter.q", "q", "text"),
    ];

    public static IReadOnlyList<AccessPart> Describe(string action, IReadOnlyDictionary<string, string> details)
    {
        string? Get(string key) => details.TryGetValue(key, out var value) ? value : null;
        switch (action)
        {
            case "events.view" when Get("sequence") is { } sequence:
                return Get("found") == "false"
                    ? [new($"Asked for event #{sequence}, which does not exist")]
                    : [new("Viewed event "), new($"#{sequence}", $"/events/{sequence}")];
            case "events.query":
                return Search("Searched the timeline", "/timeline", details, "reader");
            case "access.query":
                return Search("Searched the access log", "/access", details, "reader");
            case "prompts.diff" when Get("prompt") is { } name:
                return [new("Compared prompt "), new($"{name} v{Get("from")} → v{Get("to")}",
                    QueryHelpers.AddQueryString($"/prompts/{Uri.EscapeDataString(name)}/diff", new Dictionary<string, string?> { ["from"] = Get("from"), ["to"] = Get("to") }))];
            case "prompts.history" when Get("prompt") is { } prompt:
                return [new("Opened the history of prompt "), new(prompt, $"/prompts/{Uri.EscapeDataString(prompt)}")];
            case "prompts.list":
                return [new("Listed the prompts")];
            case "proofs.inclusion" when Get("sequence") is { } sequence:
                return [new("Inclusion proof of event "), new($"#{sequence}", $"/events/{sequence}"), new($" in the tree of size {Get("treeSize")}")];
            case "evidence.export":
                return Export(details);
            case "evidence.download":
                return [new($"Downloaded evidence pack {Get("file") ?? Get("pack")} exported by {Get("exportedBy") ?? "?"}" +
                            (Get("manifestSha256") is { } downloaded ? $" · manifest SHA-256 {downloaded}" : ""))];
            case "proofs.consistency":
                return [new($"Consistency proof from tree size {Get("from")} to {Get("to")}")];
            default:
                var rest = details.Where(d => d.Key != "via").Select(d => $"{d.Key} = {d.Value}").ToList();
                return [new(rest.Count == 0 ? "" : string.Join(", ", rest))];
        }
    }

    /// <summary>An evidence pack: the file, what it was for, what it holds, and the manifest hash that identifies it.</summary>
    private static IReadOnlyList<AccessPart> Export(IReadOnlyDictionary<string, string> details)
    {
        var used = Filters.Where(f => details.ContainsKey(f.Key)).ToList();
        var what = used.Count == 0 ? "every event" : string.Join(", ", used.Select(f => $"{f.Label} “{details[f.Key]}”"));
        var content = details.TryGetValue("includeContent", out var included) && included == "true" ? "with content" : "without content";
        var manifest = details.TryGetValue("manifestSha256", out var hash) ? $" · manifest SHA-256 {hash}" : "";
        var events = details.GetValueOrDefault("events", "?");
        return [new($"Exported evidence pack {details.GetValueOrDefault("file", "")} for {what}: {events} {(events == "1" ? "event" : "events")}, {content}{manifest}")];
    }

    private static IReadOnlyList<AccessPart> Search(string what, string page, IReadOnlyDictionary<string, string> details, string actorLabel)
    {
        // The access log reads only access events: its type filter is implied, not chosen.
        var used = Filters.Where(f => details.ContainsKey(f.Key) && !(page == "/access" && f.Parameter == "type")).ToList();
        var parts = new List<AccessPart>
        {
            new(used.Count == 0
                ? $"{what} with no filters"
                : $"{what} for " + string.Join(", ", used.Select(f => $"{(f.Parameter == "actor" && page == "/access" ? actorLabel : f.Label)} “{details[f.Key]}”"))),
        };
        if (details.TryGetValue("results", out var results))
            parts.Add(new(details.TryGetValue("count", out var count) ? $": {results} shown of {count}" : $": {results} shown"));
        if (details.TryGetValue("includeContent", out var content) && content == "true") parts.Add(new(", with content"));
        parts.Add(new(" · "));
        parts.Add(new("open this search", QueryHelpers.AddQueryString(page, used.Select(f => new KeyValuePair<string, string?>(f.Parameter, details[f.Key])))));
        return parts;
    }
}

/// <param name="Href">A link within the portal, or null for plain text.</param>
public sealed record AccessPart(string Text, string? Href = null);
