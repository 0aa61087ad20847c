using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventIdLeadsItsUniqueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_submitted_by_event_id",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_event_id_submitted_by",
                table: "ledger_entries",
                columns: new[] { "event_id", "submitted_by" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_event_id_submitted_by",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_submitted_by_event_id",
                table: "ledger_entries",
                columns: new[] { "submitted_by", "event_id" },
                unique: true);
        }
    }
}
