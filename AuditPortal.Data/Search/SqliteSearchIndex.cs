using System.Text;

namespace AuditPortal.Data.Search;

/// <summary>
/// SQLite's index for the timeline's text search: FTS5 tables over the entries' <c>search_text</c>
/// with the trigram tokenizer, which answer <c>LIKE '%…%'</c> from the index whenever the pattern
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
/// The index is cut into partitions of <c>partition_size</c> consecutive sequences (65,536 unless a
/// ledger was set up otherwise before its first entry was indexed), one FTS5 table each. Partition
/// <c>k</c> holds the entries in [k·size, (k+1)·size) below the mark; the indexer creates its table
/// when the mark reaches it. The partitions are what lets <c>verify</c> check the index a partition per
/// write transaction (<see cref="SearchIndexCheck"/>): FTS5's check of one large table held SQLite's
/// write lock, and so every append, for as long as it ran (4.9 s at 200,000 entries, past the
/// writers' 30 s busy timeout beyond about 1.5 million). A text search asks every partition; SQLite
/// allows 500 terms in a compound SELECT, which bounds this design at about 32 million entries.
/// </para>
/// <para>
/// Each partition is an external-content table whose content is a view of exactly its entries. It
/// stores only the index (the text stays in <c>ledger_entries</c>), and FTS5's own integrity check
/// compares it with exactly the rows it should hold. Rows are keyed by sequence (the FTS rowid).
/// <c>detail=none</c> keeps no token positions and <c>columnsize=0</c> no per-row token counts
/// (smaller; LIKE needs neither, only ranking would): FTS5 re-reads each candidate's text to confirm
/// a LIKE. Migration <c>SearchIndexPartitions</c> creates the state table; every definition here must
/// stay byte for byte what was created, because verify compares them.
/// </para>
/// </summary>
public static class SqliteSearchIndex
{
    public const string StateTable = "ledger_search_state";
    public const int DefaultPartitionSize = 65_536;

    /// <summary>SQLite's default SQLITE_MAX_COMPOUND_SELECT; the candidates query has one term per partition and one more.</summary>
    public const int MaxPartitions = 499;

    // The definitions exactly as the migration and the indexer create them; verify compares sqlite_master
    // with them, because a redefined view (one that leaves an entry out) would make a doctored index look complete.
    public const string StateTableDefinition =
        $"CREATE TABLE {StateTable} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0), partition_size INTEGER NOT NULL CHECK (partition_size > 0))";

    /// <summary>The portal's signed seals of full partitions (<see cref="SqliteSearchIndexSealer"/>), one row per partition.</summary>
    public const string SealsTable = "ledger_search_seals";

    public const string SealsTableDefinition =
        $"CREATE TABLE {SealsTable} (partition INTEGER NOT NULL PRIMARY KEY CHECK (partition >= 0), text_hash BLOB NOT NULL, index_hash BLOB NOT NULL, key_id INTEGER NOT NULL, signature BLOB NOT NULL)";

    /// <summary>The FTS5 table of partition <paramref name="partition"/>.</summary>
    public static string Table(long partition) => $"ledger_search_p{partition}";

    /// <summary>The view partition <paramref name="partition"/> indexes: its entries below the mark.</summary>
    public static string SourceView(long partition) => $"ledger_search_source_p{partition}";

    public static string SourceViewDefinition(long partition, long partitionSize) =>
        $"CREATE VIEW {SourceView(partition)} AS SELECT sequence, search_text FROM ledger_entries " +
        $"WHERE sequence >= {partition * partitionSize} AND sequence < MIN({(partition + 1) * partitionSize}, (SELECT indexed_below FROM {StateTable} WHERE id = 1))";

    public static string TableDefinition(long partition) =>
        $"CREATE VIRTUAL TABLE {Table(partition)} USING fts5(search_text, content='{SourceView(partition)}', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0)";

    /// <summary>
    /// The tables FTS5 keeps partition <paramref name="partition"/> in, as it creates them (external
    /// content, <c>columnsize=0</c>: no content or size table). A sealed partition is checked by hashing
    /// them, so they must be plain tables as FTS5 made them, not views or tables of another shape.
    /// </summary>
    public static IReadOnlyList<(string Name, string Definition)> ShadowTables(long partition) =>
    [
        ($"{Table(partition)}_data", $"CREATE TABLE '{Table(partition)}_data'(id INTEGER PRIMARY KEY, block BLOB)"),
        ($"{Table(partition)}_idx", $"CREATE TABLE '{Table(partition)}_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID"),
        ($"{Table(partition)}_config", $"CREATE TABLE '{Table(partition)}_config'(k PRIMARY KEY, v) WITHOUT ROWID"),
    ];

    /// <summary>How many partitions hold entries when the mark is at <paramref name="mark"/>.</summary>
    public static long PartitionsBelow(long mark, long partitionSize) => (mark + partitionSize - 1) / partitionSize;

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
    /// FTS5's own check with rank 1: the partition must hold exactly the tokens of its external content
    /// (its entries below the mark), row for row. Raises SQLITE_CORRUPT_VTAB ("database disk image is
    /// malformed") when it does not. A write statement to SQLite, so it needs the write lock.
    /// </summary>
    public static string IntegrityCheck(long partition) => $"INSERT INTO {Table(partition)}({Table(partition)}, rank) VALUES ('integrity-check', 1)";

    /// <summary>FTS5's merge of a partition's segments into one, run once the partition is full: later searches read one b-tree.</summary>
    public static string Optimize(long partition) => $"INSERT INTO {Table(partition)}({Table(partition)}) VALUES ('optimize')";

    /// <summary>
    /// Sequences whose search text may hold the pattern (parameter 0): the candidates of the first
    /// <paramref name="layout"/>.Partitions partitions, and every entry at or above the mark or beyond
    /// those partitions, which the exact LIKE then tests row by row. The statement reads one snapshot,
    /// so an entry the indexer moved into a partition created after the layout was read is walked.
    /// </summary>
    public static string CandidatesSql(SearchIndexLayout layout)
    {
        var sql = new StringBuilder();
        for (var partition = 0L; partition < layout.Partitions; partition++)
            sql.Append($"SELECT rowid AS \"Value\" FROM {Table(partition)} WHERE search_text LIKE {{0}} UNION ALL ");
        sql.Append($"SELECT sequence AS \"Value\" FROM ledger_entries WHERE sequence >= MIN((SELECT indexed_below FROM {StateTable} WHERE id = 1), {layout.Partitions * layout.PartitionSize})");
        return sql.ToString();
    }

    /// <summary>How many candidates there are, counting no further than parameter 1 (which is all a reader needs to choose a plan).</summary>
    public static string CountCandidatesSql(SearchIndexLayout layout) => $"SELECT count(*) AS \"Value\" FROM ({CandidatesSql(layout)} LIMIT {{1}})";

    /// <summary>
    /// The LIKE pattern that asks the index for candidates. FTS5 is offered LIKE only without an ESCAPE
    /// clause, so a literal % in the text becomes _ (any one character): the candidates are then a
    /// superset, and the exact, escaped LIKE on ledger_entries decides.
    /// </summary>
    public static string CandidatePattern(string lowerCasedText) => "%" + lowerCasedText.Replace('%', '_') + "%";
}
