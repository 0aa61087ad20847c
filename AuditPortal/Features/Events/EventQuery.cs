using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Search;
using AuditPortal.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Events;

/// <summary>
/// Validated timeline filters, shared by the read API and (later) the dashboard. Paging is keyset on
/// (occurred-at, sequence), newest first, never OFFSET.
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

    /// <summary>Reads the query string; every bad parameter is reported by name.</summary>
    public static EventQuery Parse(IQueryCollection query, FieldErrors errors)
    {
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

        var known = new HashSet<string>(StringComparer.Ordinal)
            { "actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q", "cursor", "limit", "includeContent" };
        foreach (var key in query.Keys.Where(k => !known.Contains(k))) errors.Add(key, "is not a recognised parameter");

        int? promptVersion = null;
        if (Text("promptVersion", 10) is { } versionText)
        {
            if (int.TryParse(versionText, System.Globalization.NumberStyles.None, null, out var v) && v >= 1) promptVersion = v;
            else errors.Add("promptVersion", "must be a positive integer");
        }
        var limit = DefaultLimit;
        if (Text("limit", 10) is { } limitText && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
            errors.Add("limit", $"must be an integer from 1 to {MaxLimit}");
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

    /// <summary>
    /// Candidates the SQLite text index may return before a sort costs more than walking the timeline:
    /// up to this many rows are read by sequence and sorted; beyond it the text matches so often that
    /// the newest-first walk, testing each row, fills a page sooner.
    /// </summary>
    public const int TextIndexCandidateLimit = 10_000;

    /// <summary>
    /// The page query for this filter, newest first. On SQLite, text that the index can answer is first
    /// counted there (up to <see cref="TextIndexCandidateLimit"/>) to choose between the two ways of
    /// matching it; see <see cref="Apply"/>.
    /// </summary>
    public async Task<IQueryable<LedgerEntry>> ApplyAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var useTextIndex = false;
        if (Text?.ToLowerInvariant() is { } lower && db.Provider == LedgerProvider.Sqlite && SqliteSearchIndex.CanAnswer(lower))
        {
            var candidates = await SqliteTextCandidates(db, lower).Take(TextIndexCandidateLimit).CountAsync(cancellationToken);
            useTextIndex = candidates < TextIndexCandidateLimit;
        }
        return Apply(db, useTextIndex);
    }

    /// <summary>
    /// The filters, newest first, as one query. Text is always matched exactly, with an escaped
    /// <c>LIKE '%…%'</c> on the lower-cased search text; PostgreSQL answers that from its trigram index.
    /// With <paramref name="useSqliteTextIndex"/>, SQLite first narrows the rows to the FTS5 index's
    /// candidates (a superset, <see cref="SqliteSearchIndex"/>), which is what makes rare text fast.
    /// </summary>
    public IQueryable<LedgerEntry> Apply(LedgerDbContext db, bool useSqliteTextIndex = false)
    {
        var entries = db.Entries.AsNoTracking();
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
            var lower = Text.ToLowerInvariant();
            if (useSqliteTextIndex && db.Provider == LedgerProvider.Sqlite && SqliteSearchIndex.CanAnswer(lower))
            {
                var candidates = SqliteTextCandidates(db, lower);
                entries = entries.Where(e => candidates.Contains(e.Sequence));
            }
            var pattern = "%" + Escape(lower) + "%";
            entries = entries.Where(e => EF.Functions.Like(e.SearchText, pattern, "\\"));
        }
        if (Cursor is { } c)
            entries = entries.Where(e => e.OccurredAt < c.OccurredAtUtc || (e.OccurredAt == c.OccurredAtUtc && e.Sequence < c.Sequence));
        return entries.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence);
    }

    /// <summary>Sequences whose search text the FTS5 index says may hold the text; the pattern is a parameter.</summary>
    private static IQueryable<long> SqliteTextCandidates(LedgerDbContext db, string lowerCasedText) =>
        db.Database.SqlQuery<long>($"SELECT rowid AS \"Value\" FROM ledger_search WHERE search_text LIKE {SqliteSearchIndex.CandidatePattern(lowerCasedText)}");

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
