using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Search;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Reading;

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
    public async Task<IQueryable<LedgerEntry>> ApplyAsync(LedgerDbContext db, CancellationToken cancellationToken) =>
        Apply(db, await UseSqliteTextIndexAsync(db, cancellationToken));

    /// <summary>
    /// The filters without the cursor and without an order, for a reader that walks the selection its own
    /// way (an evidence pack, by sequence) or counts it; the text index is chosen as for <see cref="ApplyAsync"/>.
    /// </summary>
    public async Task<IQueryable<LedgerEntry>> SelectionAsync(LedgerDbContext db, CancellationToken cancellationToken) =>
        (this with { Cursor = null }).Filter(db, await UseSqliteTextIndexAsync(db, cancellationToken));

    /// <returns>The index's layout when the query should start from its candidates; null when it should not.</returns>
    private async Task<SearchIndexLayout?> UseSqliteTextIndexAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        if (Text?.ToLowerInvariant() is not { } lower || db.Provider != LedgerProvider.Sqlite || !SqliteSearchIndex.CanAnswer(lower)) return null;
        if (await SearchIndexLayout.ReadAsync(db, cancellationToken) is not { Partitions: <= SqliteSearchIndex.MaxPartitions } layout) return null;
        var counted = await db.Database
            .SqlQueryRaw<int>(SqliteSearchIndex.CountCandidatesSql(layout), SqliteSearchIndex.CandidatePattern(lower), TextIndexCandidateLimit)
            .ToListAsync(cancellationToken);
        return counted[0] < TextIndexCandidateLimit ? layout : null;
    }

    /// <summary>
    /// The filters, newest first, as one query. Text is always matched exactly, with an escaped
    /// <c>LIKE '%…%'</c> on the lower-cased search text; PostgreSQL answers that from its trigram index.
    /// Given the layout of SQLite's text index (<paramref name="sqliteTextIndex"/>), SQLite first narrows
    /// the rows to the FTS5 index's candidates and the entries the index has not reached yet (a superset,
    /// <see cref="SqliteSearchIndex"/>), which is what makes rare text fast.
    /// </summary>
    public IQueryable<LedgerEntry> Apply(LedgerDbContext db, SearchIndexLayout? sqliteTextIndex = null) =>
        Filter(db, sqliteTextIndex).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence);

    private IQueryable<LedgerEntry> Filter(LedgerDbContext db, SearchIndexLayout? sqliteTextIndex)
    {
        var entries = db.Entries.AsNoTracking();
        var lower = Text?.ToLowerInvariant();
        var viaTextIndex = lower is not null && sqliteTextIndex is not null && db.Provider == LedgerProvider.Sqlite && SqliteSearchIndex.CanAnswer(lower);
        if (viaTextIndex)
        {
            // Fewer than TextIndexCandidateLimit rows can match, so the query must start from the index's
            // candidates and read them by sequence. Given an equality on an indexed column, SQLite (with
            // no statistics) would rather walk that column's whole index and probe the candidate list for
            // every row: 185 ms instead of 2 for type=llm.call at a million events. "|| ''" and "+ 0" are
            // SQLite's documented way to keep a term from using an index; the result is the same.
            if (Actor is not null) entries = entries.Where(e => e.ActorId + "" == Actor);
            if (Type is not null) entries = entries.Where(e => e.Type + "" == Type);
            if (Application is not null) entries = entries.Where(e => e.Application + "" == Application);
            if (Model is not null) entries = entries.Where(e => e.Model + "" == Model);
            if (Prompt is not null) entries = entries.Where(e => e.PromptName + "" == Prompt);
            if (PromptVersion is not null) entries = entries.Where(e => e.PromptVersion + 0 == PromptVersion);
        }
        else
        {
            if (Actor is not null) entries = entries.Where(e => e.ActorId == Actor);
            if (Type is not null) entries = entries.Where(e => e.Type == Type);
            if (Application is not null) entries = entries.Where(e => e.Application == Application);
            if (Model is not null) entries = entries.Where(e => e.Model == Model);
            if (Prompt is not null) entries = entries.Where(e => e.PromptName == Prompt);
            if (PromptVersion is not null) entries = entries.Where(e => e.PromptVersion == PromptVersion);
        }
        if (FromUtc is { } from) entries = entries.Where(e => e.OccurredAt >= from);
        if (ToUtc is { } to) entries = entries.Where(e => e.OccurredAt <= to);
        if (lower is not null)
        {
            if (viaTextIndex)
            {
                var candidates = SqliteTextCandidates(db, sqliteTextIndex!, lower);
                entries = entries.Where(e => candidates.Contains(e.Sequence));
            }
            var pattern = "%" + Escape(lower) + "%";
            entries = entries.Where(e => EF.Functions.Like(e.SearchText, pattern, "\\"));
        }
        if (Cursor is { } c)
            entries = entries.Where(e => e.OccurredAt < c.OccurredAtUtc || (e.OccurredAt == c.OccurredAtUtc && e.Sequence < c.Sequence));
        return entries;
    }

    /// <summary>
    /// Sequences whose search text may hold the text: the FTS5 index's candidates below its high-water
    /// mark, and every entry above it, which the indexer has not reached yet (usually a few). The
    /// pattern is a parameter.
    /// </summary>
    private static IQueryable<long> SqliteTextCandidates(LedgerDbContext db, SearchIndexLayout layout, string lowerCasedText) =>
        db.Database.SqlQueryRaw<long>(SqliteSearchIndex.CandidatesSql(layout), SqliteSearchIndex.CandidatePattern(lowerCasedText));

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
