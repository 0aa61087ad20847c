using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Components.EventFilters;

/// <summary>
/// What a reviewer typed into the filters, as text, under the query names of <c>GET /api/v1/events</c>
/// (the timeline and the access log use the same ones). The page's URL is the only place filters live:
/// this is read from it, edited, and written back into it; <see cref="Reading.EventQueryParser"/>
/// decides what the text means, with the API's rules.
/// </summary>
public sealed class EventFilterValues
{
    public string? Actor { get; set; }
    public string? Type { get; set; }
    public string? Application { get; set; }
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public string? PromptVersion { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Q { get; set; }

    /// <summary>The filters as the URL holds them (the first of repeated values: the parser names the repetition).</summary>
    public static EventFilterValues FromQuery(IReadOnlyDictionary<string, StringValues> query)
    {
        string? Get(string name) => query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
        return new EventFilterValues
        {
            Actor = Get("actor"), Type = Get("type"), Application = Get("application"), Model = Get("model"),
            Prompt = Get("prompt"), PromptVersion = Get("promptVersion"), From = Get("from"), To = Get("to"), Q = Get("q"),
        };
    }

    public static EventFilterValues FromUri(string uri) =>
        FromQuery(QueryHelpers.ParseQuery(new Uri(uri).Query).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>
    /// Filled fields, trimmed, in the API's order. An empty field is left out, since the API reads an empty
    /// parameter as a mistake rather than as "no filter".
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> Parameters()
    {
        foreach (var (name, value) in new[]
                 {
                     ("actor", Actor), ("type", Type), ("application", Application), ("model", Model), ("prompt", Prompt),
                     ("promptVersion", PromptVersion), ("from", From), ("to", To), ("q", Q),
                 })
            if (value?.Trim() is { Length: > 0 } trimmed) yield return new(name, trimmed);
    }

    /// <summary>A URL of <paramref name="path"/> with these filters (and nothing else: a new search starts at the newest event).</summary>
    public string ToUrl(string path, IEnumerable<KeyValuePair<string, string?>>? extra = null)
    {
        var parameters = Parameters().Concat(extra ?? []).ToList();
        return parameters.Count == 0 ? path : QueryHelpers.AddQueryString(path, parameters);
    }

    public bool IsEmpty => !Parameters().Any();

    /// <summary>"The last <paramref name="span"/>" as an absolute time range, so a shared link shows the same events later too.</summary>
    public void SetLast(TimeSpan span, DateTimeOffset now)
    {
        From = Rfc3339Utc(now - span);
        To = null;
    }

    public static string Rfc3339Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public EventFilterValues Copy() => (EventFilterValues)MemberwiseClone();
}
