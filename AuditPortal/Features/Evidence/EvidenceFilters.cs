using System.Globalization;
using AuditPortal.Reading;

namespace AuditPortal.Features.Evidence;

/// <summary>A pack's filters under the names of GET /api/v1/events and /timeline, as the manifest and the Summary sheet state them.</summary>
public static class EvidenceFilters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Of(EventQuery query)
    {
        var list = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value) { if (value is not null) list.Add(new(name, value)); }
        Add("actor", query.Actor);
        Add("type", query.Type);
        Add("application", query.Application);
        Add("model", query.Model);
        Add("prompt", query.Prompt);
        Add("promptVersion", query.PromptVersion?.ToString(CultureInfo.InvariantCulture));
        Add("from", query.FromUtc is { } from ? Timestamp(from) : null);
        Add("to", query.ToUtc is { } to ? Timestamp(to) : null);
        Add("q", query.Text);
        return list;
    }

    /// <summary>RFC 3339 in UTC, as the filters accept it back.</summary>
    public static string Timestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
