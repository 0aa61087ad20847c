namespace AuditPortal.Data.Search;

/// <summary>
/// SQLite's index for the timeline's text search: an FTS5 table over <c>ledger_entries.search_text</c>
/// with the trigram tokenizer, which answers <c>LIKE '%…%'</c> from the index whenever the pattern
/// holds a run of three or more literal characters (trigram matching folds case; search text and
/// queries are lower-cased anyway). It is an external-content table: it stores only the index, the text stays in
/// <c>ledger_entries</c>, and an insert trigger keeps the two in step (entries are append-only, so
/// inserts are the only change). Rows are keyed by sequence (the FTS rowid). <c>detail=none</c> keeps
/// no token positions and <c>columnsize=0</c> no per-row token counts (smaller; LIKE needs neither,
/// only ranking would): FTS5 re-reads each candidate's text to confirm a
/// LIKE. Migration <c>TimelineFilterIndexes</c> creates the table and the trigger.
/// </summary>
public static class SqliteSearchIndex
{
    public const string Table = "ledger_search";
    public const string InsertTrigger = "ledger_entries_search_insert";

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
    /// FTS5's own check with rank 1: the index must hold exactly the tokens of the external content,
    /// row for row. Raises SQLITE_CORRUPT_VTAB ("database disk image is malformed") when it does not.
    /// </summary>
    public const string IntegrityCheck = $"INSERT INTO {Table}({Table}, rank) VALUES ('integrity-check', 1)";

    /// <summary>
    /// The LIKE pattern that asks the index for candidates. FTS5 is offered LIKE only without an ESCAPE
    /// clause, so a literal % in the text becomes _ (any one character): the candidates are then a
    /// superset, and the exact, escaped LIKE on ledger_entries decides.
    /// </summary>
    public static string CandidatePattern(string lowerCasedText) => "%" + lowerCasedText.Replace('%', '_') + "%";
}
