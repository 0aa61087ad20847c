using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SqliteActorInTimelineIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_actor_id",
                table: "ledger_entries");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_occurred_at_sequence",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_occurred_at_sequence_actor_id",
                table: "ledger_entries",
                columns: new[] { "occurred_at", "sequence", "actor_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_occurred_at_sequence_actor_id",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_actor_id",
                table: "ledger_entries",
                column: "actor_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "occurred_at", "sequence" });
        }
    }
}
