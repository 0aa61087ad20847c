using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// The table of the portal's signed seals of full text search partitions (SqliteSearchIndexSealer):
    /// verify checks a sealed partition by its seal instead of re-tokenising it. Empty at first; the
    /// portal seals the full partitions at start. Not in the EF model; the definition must stay byte
    /// for byte what SqliteSearchIndex says: verify compares them.
    /// </summary>
    public partial class SearchIndexSeals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE TABLE ledger_search_seals (partition INTEGER NOT NULL PRIMARY KEY CHECK (partition >= 0), text_hash BLOB NOT NULL, index_hash BLOB NOT NULL, key_id INTEGER NOT NULL, signature BLOB NOT NULL);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE ledger_search_seals;");
        }
    }
}
