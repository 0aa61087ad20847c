using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimelineFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_application",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_model",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_prompt_name_prompt_version",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_provider",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_type",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_application_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "application", "occurred_at", "sequence" },
                filter: "application IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_model_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "model", "occurred_at", "sequence" },
                filter: "model IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_prompt_name_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "prompt_name", "occurred_at", "sequence" },
                filter: "prompt_name IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_prompt_name_prompt_version_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "prompt_name", "prompt_version", "occurred_at", "sequence" },
                filter: "prompt_name IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_type_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "type", "occurred_at", "sequence" });

            // Text search (SqliteSearchIndex): an FTS5 trigram index over search_text that stores no
            // copy of the text (external content), fed by an insert trigger, built for existing rows.
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_search_insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ledger_search;");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_application_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_model_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_prompt_name_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_prompt_name_prompt_version_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_type_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_application",
                table: "ledger_entries",
                column: "application");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_model",
                table: "ledger_entries",
                column: "model");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_prompt_name_prompt_version",
                table: "ledger_entries",
                columns: new[] { "prompt_name", "prompt_version" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_provider",
                table: "ledger_entries",
                column: "provider");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_type",
                table: "ledger_entries",
                column: "type");
        }
    }
}
