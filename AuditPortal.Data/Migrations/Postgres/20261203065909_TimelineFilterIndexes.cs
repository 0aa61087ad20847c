using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TimelineFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_actor_id",
                table: "ledger_entries");

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

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_actor_id_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "actor_id", "occurred_at", "sequence" });

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
                name: "ix_ledger_entries_prompt_name_prompt_version_occurred_at_seque",
                table: "ledger_entries",
                columns: new[] { "prompt_name", "prompt_version", "occurred_at", "sequence" },
                filter: "prompt_name IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_search_text",
                table: "ledger_entries",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_type_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "type", "occurred_at", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_actor_id_occurred_at_sequence",
                table: "ledger_entries");

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
                name: "ix_ledger_entries_prompt_name_prompt_version_occurred_at_seque",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_search_text",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_type_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_actor_id",
                table: "ledger_entries",
                column: "actor_id");

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
