using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Events;

/// <summary>
/// Validated timeline filters, shared by the read API, the dashboard pages and evidence packs (built by
/// <see cref="EventQueryParser"/> from any query string). Paging is keyset on (occurred-at, sequence),
/// newest first, never OFFSET. <see cref="Apply"/> is the one place the filters become SQL.
/// </summary>
public sealed record EventQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public string? Actor { get; init; }
    public string? Type { get; init; }
    public string? Application { get; init; }
    public string? Model { get; init; }
    public string? Prompt { get; init; }
    public int? PromptVersion { get; init; }
    public DateTime? FromUtc { get; init; }
    public DateTime? ToUtc { get; init; }
    public string? Text { get; init; }
    public EventCursor? Cursor { get; init; }
    public int Limit { get; init; } = DefaultLimit;
    public bool IncludeContent { get; init; }

    /// <summary>The filters as flat strings, for the access event that records this query.</summary>
    public Dictionary<string, string> Describe()
    {
        var d = new Dictionary<string, string>();
        void Add(string key, object? value) { if (value is not null) d[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!; }
        Add("filter.actor", Actor);
        Add("filter.type", Type);
        Add("filter.application", Application);
        Add("filter.model", Model);
        Add("filter.prompt", Prompt);
        Add("filter.promptVersion", PromptVersion);
        Add("filter.from", FromUtc?.ToString("O"));
        Add("filter.to", ToUtc?.ToString("O"));
        Add("filter.q", Text);
        Add("includeContent", IncludeContent ? "true" : "false");
        return d;
    }

    public IQueryable<LedgerEntry> Apply(IQueryable<LedgerEntry> entries)
    {
        if (Actor is not null) entries = entries.Where(e => e.ActorId == Actor);
        if (Type is not null) entries = entries.Where(e => e.Type == Type);
        if (Application is not null) entries = entries.Where(e => e.Application == Application);
        if (Model is not null) entries = entries.Where(e => e.Model == Model);
        if (Prompt is not null) entries = entries.Where(e => e.PromptName == Prompt);
        if (PromptVersion is not null) entries = entries.Where(e => e.PromptVersion == PromptVersion);
        if (FromUtc is { } from) entries = entries.Where(e => e.OccurredAt >= from);
        if (ToUtc is { } to) entries = entries.Where(e => e.OccurredAt <= to);
        if (Text is not null)
        {
            var pattern = "%" + Escape(Text.ToLowerInvariant()) + "%";
            entries = entries.Where(e => EF.Functions.Like(e.SearchText, pattern, "\\"));
        }
        if (Cursor is { } c)
            entries = entries.Where(e => e.OccurredAt < c.OccurredAtUtc || (e.OccurredAt == c.OccurredAtUtc && e.Sequence < c.Sequence));
        return entries.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence);
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
