using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.Postgres
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "checkpoints",
                columns: table => new
                {
                    tree_size = table.Column<long>(type: "bigint", nullable: false),
                    root_hash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    key_id = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_checkpoints", x => x.tree_size);
                });

            migrationBuilder.CreateTable(
                name: "ledger_contents",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    salt = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_contents", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    actor_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    submitted_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    application = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    model = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    provider = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    prompt_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    prompt_version = table.Column<int>(type: "integer", nullable: true),
                    search_text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    envelope = table.Column<byte[]>(type: "bytea", nullable: false),
                    leaf_hash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "ledger_seals",
                columns: table => new
                {
                    tree_size = table.Column<long>(type: "bigint", nullable: false),
                    first_sequence = table.Column<long>(type: "bigint", nullable: false),
                    root_hash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false),
                    leaf_hashes = table.Column<byte[]>(type: "bytea", nullable: false),
                    key_id = table.Column<long>(type: "bigint", nullable: false),
                    signature = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 64, nullable: false),
                    sealed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_seals", x => x.tree_size);
                });

            migrationBuilder.CreateTable(
                name: "prompt_versions",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    parent_version = table.Column<int>(type: "integer", nullable: true),
                    author_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_sequence = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    decided_sequence = table.Column<long>(type: "bigint", nullable: true),
                    published_sequence = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prompt_versions", x => new { x.name, x.version });
                });

            migrationBuilder.CreateTable(
                name: "tree_nodes",
                columns: table => new
                {
                    node_key = table.Column<long>(type: "bigint", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false)
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
            migrationBuilder.Sql(
                """
                CREATE FUNCTION auditportal_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                """);
            migrationBuilder.Sql("CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER tree_nodes_append_only BEFORE UPDATE OR DELETE ON tree_nodes FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes FOR EACH STATEMENT EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER ledger_seals_append_only BEFORE UPDATE OR DELETE ON ledger_seals FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER ledger_seals_no_truncate BEFORE TRUNCATE ON ledger_seals FOR EACH STATEMENT EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION auditportal_reject_change();");
            migrationBuilder.Sql("CREATE TRIGGER ledger_contents_no_update BEFORE UPDATE ON ledger_contents FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_no_truncate ON ledger_entries;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS tree_nodes_append_only ON tree_nodes;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS tree_nodes_no_truncate ON tree_nodes;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_seals_append_only ON ledger_seals;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_seals_no_truncate ON ledger_seals;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS checkpoints_append_only ON checkpoints;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS checkpoints_no_truncate ON checkpoints;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_contents_no_update ON ledger_contents;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS auditportal_reject_change();");

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
