namespace AuditPortal.Data.Search;

/// <summary>
/// SQLite's index for the timeline's text search: an FTS5 table over the entries' <c>search_text</c>
/// with the trigram tokenizer, which answers <c>LIKE '%…%'</c> from the index whenever the pattern
/// holds a run of three or more literal characters (trigram matching folds case; search text and
/// queries are lower-cased anyway).
/// <para>
/// It follows the log instead of being written with it: appends do not touch it (an insert trigger made
/// every append ~4.8× dearer, docs/benchmarks.md); <see cref="SqliteSearchIndexer"/> adds the entries
/// above the high-water mark (<see cref="StateTable"/>.<c>indexed_below</c>) in large batches, which
/// FTS5 absorbs far more cheaply than one small segment per append. Text search reads candidates from
/// the index for the entries below the mark and walks the few above it (<see cref="CandidatesSql"/>),
/// so a fresh event is never missing.
/// </para>
/// <para>
/// It is an external-content table whose content is the view <see cref="SourceView"/>: the entries
/// below the mark. It stores only the index (the text stays in <c>ledger_entries</c>), and FTS5's
/// own integrity check compares it with exactly the rows it should hold, which is how <c>verify</c>
/// checks it (<see cref="SearchIndexCheck"/>). Rows are keyed by sequence (the FTS rowid).
/// <c>detail=none</c> keeps no token positions and <c>columnsize=0</c> no per-row token counts
/// (smaller; LIKE needs neither, only ranking would): FTS5 re-reads each candidate's text to confirm
/// a LIKE. Migration <c>SearchIndexFollowsTheLog</c> creates these objects.
/// </para>
/// </summary>
public static class SqliteSearchIndex
{
    public const string Table = "ledger_search";
    public const string SourceView = "ledger_search_source";
    public const string StateTable = "ledger_search_state";

    // The definitions exactly as the migration creates them; verify compares sqlite_master with them,
    // because a redefined view (one that leaves an entry out) would make a doctored index look complete.
    public const string StateTableDefinition =
        $"CREATE TABLE {StateTable} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0))";
    public const string SourceViewDefinition =
        $"CREATE VIEW {SourceView} AS SELECT sequence, search_text FROM ledger_entries WHERE sequence < (SELECT indexed_below FROM {StateTable} WHERE id = 1)";
    public const string TableDefinition =
        $"CREATE VIRTUAL TABLE {Table} USING fts5(search_text, content='{SourceView}', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0)";

    /// <summary>
    /// Whether the index can answer this text: without a run of three characters free of LIKE
    /// wildcards FTS5 would read every row's text, which the timeline's own walk does better.
    /// </summary>
    public static bool CanAnswer(string text)
    {
        var run = 0;
        foreach (var c in text)
        {
            run = c is '%' or '_' ? 0 : run + 1;
            if (run >= 3) return true;
        }
        return false;
    }

    /// <summary>
    /// FTS5's own check with rank 1: the index must hold exactly the tokens of the external content (the
    /// entries below the mark), row for row. Raises SQLITE_CORRUPT_VTAB ("database disk image is
    /// malformed") when it does not. A write statement to SQLite, so it needs the write lock.
    /// </summary>
    public const string IntegrityCheck = $"INSERT INTO {Table}({Table}, rank) VALUES ('integrity-check', 1)";

    /// <summary>
    /// Sequences whose search text may hold the pattern (parameter 0): the index's candidates below the
    /// mark, and every entry at or above it, which the exact LIKE then tests row by row.
    /// </summary>
    public const string CandidatesSql =
        $"SELECT rowid AS \"Value\" FROM {Table} WHERE search_text LIKE {{0}} " +
        $"UNION ALL SELECT sequence FROM ledger_entries WHERE sequence >= (SELECT indexed_below FROM {StateTable} WHERE id = 1)";

    /// <summary>How many candidates there are, counting no further than parameter 1 (which is all a reader needs to choose a plan).</summary>
    public const string CountCandidatesSql = $"SELECT count(*) AS \"Value\" FROM ({CandidatesSql} LIMIT {{1}})";

    /// <summary>
    /// The LIKE pattern that asks the index for candidates. FTS5 is offered LIKE only without an ESCAPE
    /// clause, so a literal % in the text becomes _ (any one character): the candidates are then a
    /// superset, and the exact, escaped LIKE on ledger_entries decides.
    /// </summary>
    public static string CandidatePattern(string lowerCasedText) => "%" + lowerCasedText.Replace('%', '_') + "%";
}
