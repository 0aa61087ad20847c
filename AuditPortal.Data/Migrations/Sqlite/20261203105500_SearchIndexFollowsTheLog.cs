using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// Takes the text search index off the append path (SqliteSearchIndex): the insert trigger goes,
    /// a high-water mark says which entries the index holds, and the index's content becomes the view
    /// of the entries below the mark, so FTS5's integrity check compares it with exactly those. The
    /// index starts empty with the mark at 0; the portal's indexer fills it in large batches (a text
    /// search walks the entries above the mark meanwhile, so nothing is missing). No EF model change:
    /// none of these objects is in the model. The definitions must stay byte for byte what
    /// SqliteSearchIndex says: verify compares them.
    /// </summary>
    public partial class SearchIndexFollowsTheLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER ledger_entries_search_insert;");
            migrationBuilder.Sql("DROP TABLE ledger_search;");
            migrationBuilder.Sql("CREATE TABLE ledger_search_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0));");
            migrationBuilder.Sql("INSERT INTO ledger_search_state (id, indexed_below) VALUES (1, 0);");
            migrationBuilder.Sql("CREATE VIEW ledger_search_source AS SELECT sequence, search_text FROM ledger_entries WHERE sequence < (SELECT indexed_below FROM ledger_search_state WHERE id = 1);");
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ledger_search USING fts5(search_text, content='ledger_search_source', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE ledger_search;");
            migrationBuilder.Sql("DROP VIEW ledger_search_source;");
            migrationBuilder.Sql("DROP TABLE ledger_search_state;");
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE ledger_search USING fts5(search_text, content='ledger_entries', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0);
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ledger_entries_search_insert AFTER INSERT ON ledger_entries BEGIN
                    INSERT INTO ledger_search(rowid, search_text) VALUES (new.sequence, new.search_text);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO ledger_search(ledger_search) VALUES ('rebuild');");
        }
    }
}
