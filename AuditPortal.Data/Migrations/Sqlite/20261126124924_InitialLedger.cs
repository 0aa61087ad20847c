using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "checkpoints",
                columns: table => new
                {
                    tree_size = table.Column<long>(type: "INTEGER", nullable: false),
                    root_hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    key_id = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_checkpoints", x => x.tree_size);
                });

            migrationBuilder.CreateTable(
                name: "ledger_contents",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    salt = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_contents", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    occurred_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    actor_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    actor_kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    submitted_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    application = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    model = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    provider = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    prompt_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    prompt_version = table.Column<int>(type: "INTEGER", nullable: true),
                    search_text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    envelope = table.Column<byte[]>(type: "BLOB", nullable: false),
                    leaf_hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "ledger_seals",
                columns: table => new
                {
                    tree_size = table.Column<long>(type: "INTEGER", nullable: false),
                    first_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    root_hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false),
                    leaf_hashes = table.Column<byte[]>(type: "BLOB", nullable: false),
                    key_id = table.Column<long>(type: "INTEGER", nullable: false),
                    signature = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 64, nullable: false),
                    sealed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_seals", x => x.tree_size);
                });

            migrationBuilder.CreateTable(
                name: "prompt_versions",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    parent_version = table.Column<int>(type: "INTEGER", nullable: true),
                    author_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    decided_sequence = table.Column<long>(type: "INTEGER", nullable: true),
                    published_sequence = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prompt_versions", x => new { x.name, x.version });
                });

            migrationBuilder.CreateTable(
                name: "tree_nodes",
                columns: table => new
                {
                    node_key = table.Column<long>(type: "INTEGER", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tree_nodes", x => x.node_key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_name",
                table: "api_keys",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_secret_hash",
                table: "api_keys",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_actor_id",
                table: "ledger_entries",
                column: "actor_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_application",
                table: "ledger_entries",
                column: "application");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_event_id",
                table: "ledger_entries",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_model",
                table: "ledger_entries",
                column: "model");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_occurred_at_sequence",
                table: "ledger_entries",
                columns: new[] { "occurred_at", "sequence" });

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

            // The cryptography is the root of trust; these triggers stop honest mistakes and casual edits.
            migrationBuilder.Sql("CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes BEGIN SELECT RAISE(ABORT, 'tree_nodes is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes BEGIN SELECT RAISE(ABORT, 'tree_nodes is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER ledger_seals_no_update BEFORE UPDATE ON ledger_seals BEGIN SELECT RAISE(ABORT, 'ledger_seals is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER ledger_seals_no_delete BEFORE DELETE ON ledger_seals BEGIN SELECT RAISE(ABORT, 'ledger_seals is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER ledger_contents_no_update BEFORE UPDATE ON ledger_contents BEGIN SELECT RAISE(ABORT, 'ledger_contents rows cannot be updated; retention deletes them'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_no_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS tree_nodes_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS tree_nodes_no_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_seals_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_seals_no_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS checkpoints_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS checkpoints_no_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_contents_no_update;");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "checkpoints");

            migrationBuilder.DropTable(
                name: "ledger_contents");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "ledger_seals");

            migrationBuilder.DropTable(
                name: "prompt_versions");

            migrationBuilder.DropTable(
                name: "tree_nodes");
        }
    }
}
