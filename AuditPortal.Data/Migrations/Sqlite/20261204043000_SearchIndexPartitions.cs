using AuditPortal.Data.Search;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// Cuts the text search index into partitions (SqliteSearchIndex), so that verify checks it a
    /// partition per write transaction instead of holding SQLite's write lock, and every append with
    /// it, for the whole index. The single FTS5 table and its view go; the state table gains the
    /// partition size and its mark starts again at 0: the portal's indexer rebuilds the index into
    /// partitions (a text search walks the entries above the mark meanwhile, so nothing is missing).
    /// No EF model change: none of these objects is in the model. The state table's definition must
    /// stay byte for byte what SqliteSearchIndex says: verify compares them.
    /// </summary>
    public partial class SearchIndexPartitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE ledger_search;");
            migrationBuilder.Sql("DROP VIEW ledger_search_source;");
            migrationBuilder.Sql("DROP TABLE ledger_search_state;");
            migrationBuilder.Sql("CREATE TABLE ledger_search_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0), partition_size INTEGER NOT NULL CHECK (partition_size > 0));");
            migrationBuilder.Sql("INSERT INTO ledger_search_state (id, indexed_below, partition_size) VALUES (1, 0, 65536);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The indexer created the partitions; there are at most MaxPartitions of them.
            for (var partition = 0; partition < SqliteSearchIndex.MaxPartitions; partition++)
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS ledger_search_p{partition};");
                migrationBuilder.Sql($"DROP VIEW IF EXISTS ledger_search_source_p{partition};");
            }
            migrationBuilder.Sql("DROP TABLE ledger_search_state;");
            migrationBuilder.Sql("CREATE TABLE ledger_search_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0));");
            migrationBuilder.Sql("INSERT INTO ledger_search_state (id, indexed_below) VALUES (1, 0);");
            migrationBuilder.Sql("CREATE VIEW ledger_search_source AS SELECT sequence, search_text FROM ledger_entries WHERE sequence < (SELECT indexed_below FROM ledger_search_state WHERE id = 1);");
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ledger_search USING fts5(search_text, content='ledger_search_source', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0);");
        }
    }
}
