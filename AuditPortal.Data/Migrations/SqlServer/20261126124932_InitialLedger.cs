using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuditPortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InitialLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Updatable ledger table: changes are allowed and SQL Server keeps their signed history.
            migrationBuilder.Sql(
                """
                CREATE TABLE [api_keys] (
                    [id] uniqueidentifier NOT NULL,
                    [name] nvarchar(64) NOT NULL,
                    [scope] nvarchar(16) NOT NULL,
                    [secret_hash] binary(32) NOT NULL,
                    [prefix] nvarchar(16) NOT NULL,
                    [created_at] datetime2 NOT NULL,
                    [created_by] nvarchar(256) NOT NULL,
                    [revoked_at] datetime2 NULL,
                    CONSTRAINT [pk_api_keys] PRIMARY KEY ([id])
                ) WITH (SYSTEM_VERSIONING = ON, LEDGER = ON);
                """);

            // Append-only ledger table: SQL Server itself refuses UPDATE and DELETE and keeps a
            // tamper-evident history (EF Core has no ledger API, dotnet/efcore#33226).
            migrationBuilder.Sql(
                """
                CREATE TABLE [checkpoints] (
                    [tree_size] bigint NOT NULL,
                    [root_hash] binary(32) NOT NULL,
                    [note] nvarchar(4000) NOT NULL,
                    [key_id] bigint NOT NULL,
                    [created_at] datetime2 NOT NULL,
                    CONSTRAINT [pk_checkpoints] PRIMARY KEY ([tree_size])
                ) WITH (LEDGER = ON (APPEND_ONLY = ON));
                """);

            migrationBuilder.CreateTable(
                name: "ledger_contents",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    salt = table.Column<byte[]>(type: "binary(32)", fixedLength: true, maxLength: 32, nullable: false),
                    content = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_contents", x => x.sequence);
                });

            // Append-only ledger table: SQL Server itself refuses UPDATE and DELETE and keeps a
            // tamper-evident history (EF Core has no ledger API, dotnet/efcore#33226).
            migrationBuilder.Sql(
                """
                CREATE TABLE [ledger_entries] (
                    [sequence] bigint NOT NULL,
                    [event_id] nvarchar(128) NOT NULL,
                    [type] nvarchar(64) NOT NULL,
                    [occurred_at] datetime2 NOT NULL,
                    [recorded_at] datetime2 NOT NULL,
                    [actor_id] nvarchar(256) NOT NULL,
                    [actor_kind] nvarchar(16) NOT NULL,
                    [submitted_by] nvarchar(256) NOT NULL,
                    [application] nvarchar(256) NULL,
                    [model] nvarchar(256) NULL,
                    [provider] nvarchar(256) NULL,
                    [prompt_name] nvarchar(256) NULL,
                    [prompt_version] int NULL,
                    [search_text] nvarchar(4000) NOT NULL,
                    [envelope] varbinary(max) NOT NULL,
                    [leaf_hash] binary(32) NOT NULL,
                    CONSTRAINT [pk_ledger_entries] PRIMARY KEY ([sequence])
                ) WITH (LEDGER = ON (APPEND_ONLY = ON));
                """);

            // Append-only ledger table: SQL Server itself refuses UPDATE and DELETE and keeps a
            // tamper-evident history (EF Core has no ledger API, dotnet/efcore#33226).
            migrationBuilder.Sql(
                """
                CREATE TABLE [ledger_seals] (
                    [tree_size] bigint NOT NULL,
                    [first_sequence] bigint NOT NULL,
                    [root_hash] binary(32) NOT NULL,
                    [leaf_hashes] varbinary(max) NOT NULL,
                    [key_id] bigint NOT NULL,
                    [signature] binary(64) NOT NULL,
                    [sealed_at] datetime2 NOT NULL,
                    CONSTRAINT [pk_ledger_seals] PRIMARY KEY ([tree_size])
                ) WITH (LEDGER = ON (APPEND_ONLY = ON));
                """);

            // Updatable ledger table: changes are allowed and SQL Server keeps their signed history.
            migrationBuilder.Sql(
                """
                CREATE TABLE [prompt_versions] (
                    [name] nvarchar(256) NOT NULL,
                    [version] int NOT NULL,
                    [parent_version] int NULL,
                    [author_id] nvarchar(256) NOT NULL,
                    [created_sequence] bigint NOT NULL,
                    [status] nvarchar(16) NOT NULL,
                    [decided_by] nvarchar(256) NULL,
                    [decided_sequence] bigint NULL,
                    [published_sequence] bigint NULL,
                    CONSTRAINT [pk_prompt_versions] PRIMARY KEY ([name], [version])
                ) WITH (SYSTEM_VERSIONING = ON, LEDGER = ON);
                """);

            // Append-only ledger table: SQL Server itself refuses UPDATE and DELETE and keeps a
            // tamper-evident history (EF Core has no ledger API, dotnet/efcore#33226).
            migrationBuilder.Sql(
                """
                CREATE TABLE [tree_nodes] (
                    [node_key] bigint NOT NULL,
                    [hash] binary(32) NOT NULL,
                    CONSTRAINT [pk_tree_nodes] PRIMARY KEY ([node_key])
                ) WITH (LEDGER = ON (APPEND_ONLY = ON));
                """);

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

            // Retention deletes content and salt; nothing may rewrite them. A normal table with a trigger:
            // an updatable ledger table would keep purged content in its history table. CREATE TRIGGER
            // must start a batch, hence EXEC (idempotent scripts wrap each step in IF … BEGIN … END).
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE TRIGGER [ledger_contents_no_update] ON [ledger_contents] AFTER UPDATE AS
                BEGIN
                    THROW 51000, ''ledger_contents rows cannot be updated; retention deletes them.'', 1;
                END;');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
