using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Reading;

/// <summary>
/// Turns query parameters into an <see cref="EventQuery"/>, apart from HTTP binding, so the API, a
/// dashboard page and the CLI build the same filter from the same names (DESIGN.md §4).
/// </summary>
public static class EventQueryParser
{
    /// <summary>The parameter names of <c>GET /api/v1/events</c> and the <c>/timeline</c> page.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
        { "actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q", "cursor", "limit", "includeContent" };

    /// <summary>Reads query parameters (an HTTP query collection, a page's own query string); every bad parameter is reported by name.</summary>
    public static EventQuery Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters, FieldErrors errors)
    {
        // The same name twice in the sequence counts as a repeated parameter, whoever built it.
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (key, values) in parameters)
            query[key] = query.TryGetValue(key, out var earlier) ? StringValues.Concat(earlier, values) : values;

        // Absent means "no filter". Present but empty (actor=) or repeated (actor=a&actor=b) is refused:
        // reading either as "everything" or as one of the values would answer another question than asked.
        string? Text(string name, int max)
        {
            if (!query.TryGetValue(name, out var values)) return null;
            if (values.Count > 1) { errors.Add(name, "is given more than once; give each parameter at most once"); return null; }
            var value = values.ToString();
            if (value.Length == 0) { errors.Add(name, "must not be empty; leave the parameter out to not filter by it"); return null; }
            if (value.Length > max) { errors.Add(name, $"must be at most {max} characters"); return null; }
            return value;
        }
        string? ActorId(string name)
        {
            var value = Text(name, FieldLimits.ActorId);
            if (value is null) return null;
            // The same normal form as ingestion stores, so Alice@Example.com finds alice@example.com.
            if (ActorIds.TryNormalize(value, out var normalized, out var error)) return normalized;
            errors.Add(name, error!);
            return null;
        }
        DateTime? Time(string name)
        {
            var value = Text(name, 64);
            if (value is null) return null;
            if (Rfc3339.TryParse(value, out var parsed, out var error)) return parsed.UtcDateTime;
            errors.Add(name, error!);
            return null;
        }

        foreach (var key in query.Keys.Where(k => !Names.Contains(k))) errors.Add(key, "is not a recognised parameter");

        int? promptVersion = null;
        if (Text("promptVersion", 10) is { } versionText)
        {
            if (int.TryParse(versionText, NumberStyles.None, null, out var v) && v >= 1) promptVersion = v;
            else errors.Add("promptVersion", "must be a positive integer");
        }
        var limit = EventQuery.DefaultLimit;
        if (Text("limit", 10) is { } limitText && (!int.TryParse(limitText, NumberStyles.None, null, out limit) || limit is < 1 or > EventQuery.MaxLimit))
            errors.Add("limit", $"must be an integer from 1 to {EventQuery.MaxLimit}");
        EventCursor? cursor = null;
        if (Text("cursor", 200) is { } cursorText)
        {
            if (EventCursor.TryDecode(cursorText, out var decoded)) cursor = decoded;
            else errors.Add("cursor", "is not a cursor this API issued; pass nextCursor from the previous page unchanged");
        }
        var includeContent = false;
        if (Text("includeContent", 5) is { } include && !bool.TryParse(include, out includeContent))
            errors.Add("includeContent", "must be true or false");

        var result = new EventQuery
        {
            Actor = ActorId("actor"),
            Type = Text("type", FieldLimits.Type),
            Application = Text("application", FieldLimits.Name),
            Model = Text("model", FieldLimits.Name),
            Prompt = Text("prompt", FieldLimits.Name),
            PromptVersion = promptVersion,
            FromUtc = Time("from"),
            ToUtc = Time("to"),
            Text = Text("q", 200),
            Cursor = cursor,
            Limit = limit,
            IncludeContent = includeContent,
        };
        if (result.PromptVersion is not null && result.Prompt is null) errors.Add("promptVersion", "needs prompt (the prompt's name)");
        if (result.FromUtc > result.ToUtc) errors.Add("from", "must not be after to");
        return result;
    }

}
