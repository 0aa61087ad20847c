using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Migrations;

/// <summary>
/// A sanity check, without a server, that the SQLite and PostgreSQL migration scripts carry the
/// append-only triggers. String checks only: exercising the triggers needs real SQLite and
/// PostgreSQL databases and belongs to the storage tests.
/// </summary>
public class TriggerScriptTests
{
    public static readonly TheoryData<string> AppendOnlyTables = ["ledger_entries", "tree_nodes", "ledger_seals", "checkpoints"];

    /// <summary>EF cannot make idempotent SQLite scripts, so SQLite has the plain one only.</summary>
    public static readonly TheoryData<string> Scripts = ["sqlite", "postgres", "postgres-idempotent"];

    private static readonly Dictionary<string, Lazy<string>> Generated = new()
    {
        ["sqlite"] = new(() => Normalize(MigrationScripts.Up(LedgerProvider.Sqlite))),
        ["postgres"] = new(() => Normalize(MigrationScripts.Up(LedgerProvider.Postgres))),
        ["postgres-idempotent"] = new(() => Normalize(MigrationScripts.Up(LedgerProvider.Postgres, idempotent: true))),
        ["sqlite-down"] = new(() => Normalize(MigrationScripts.Down(LedgerProvider.Sqlite))),
        ["postgres-down"] = new(() => Normalize(MigrationScripts.Down(LedgerProvider.Postgres))),
    };

    private static string Script(string name) => Generated[name].Value;

    private static string Normalize(string sql) => Regex.Replace(sql, @"\s+", " ");

    [Theory]
    [MemberData(nameof(AppendOnlyTables))]
    public void SqliteScriptRejectsUpdatesAndDeletesOnAppendOnlyTables(string table)
    {
        var sql = Script("sqlite");
        Assert.Contains($"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT,", sql, StringComparison.Ordinal);
        Assert.Contains($"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT,", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres", "ledger_entries")]
    [InlineData("postgres", "tree_nodes")]
    [InlineData("postgres", "ledger_seals")]
    [InlineData("postgres", "checkpoints")]
    [InlineData("postgres-idempotent", "ledger_entries")]
    [InlineData("postgres-idempotent", "tree_nodes")]
    [InlineData("postgres-idempotent", "ledger_seals")]
    [InlineData("postgres-idempotent", "checkpoints")]
    public void PostgresScriptRejectsUpdatesDeletesAndTruncateOnAppendOnlyTables(string script, string table)
    {
        var sql = Script(script);
        Assert.Contains("CREATE FUNCTION auditportal_reject_change() RETURNS trigger LANGUAGE plpgsql", sql, StringComparison.Ordinal);
        Assert.Contains($"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();", sql, StringComparison.Ordinal);
        Assert.Contains($"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION auditportal_reject_change();", sql, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ContentTableRejectsUpdatesButAllowsRetentionToDelete(string script)
    {
        var sql = Script(script);
        var update = script == "sqlite"
            ? "CREATE TRIGGER ledger_contents_no_update BEFORE UPDATE ON ledger_contents BEGIN SELECT RAISE(ABORT,"
            : "CREATE TRIGGER ledger_contents_no_update BEFORE UPDATE ON ledger_contents FOR EACH ROW EXECUTE FUNCTION auditportal_reject_change();";
        Assert.Contains(update, sql, StringComparison.Ordinal);

        // Exactly one trigger on ledger_contents, and it does not mention DELETE or TRUNCATE.
        var onContents = Regex.Matches(sql, @"CREATE TRIGGER \w+ BEFORE [A-Z ]+? ON ledger_contents\b").Select(m => m.Value).ToList();
        Assert.Equal("CREATE TRIGGER ledger_contents_no_update BEFORE UPDATE ON ledger_contents", Assert.Single(onContents));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptCreatesNoOtherTriggers(string script)
    {
        var triggers = Regex.Matches(Script(script), @"CREATE TRIGGER (\w+)").Select(m => m.Groups[1].Value).Order();
        string[] expected = script == "sqlite"
            // ledger_entries_search_insert feeds the text search index (SqliteSearchIndex); it refuses nothing.
            ? ["checkpoints_no_delete", "checkpoints_no_update", "ledger_contents_no_update", "ledger_entries_no_delete", "ledger_entries_no_update",
               "ledger_entries_search_insert", "ledger_seals_no_delete", "ledger_seals_no_update", "tree_nodes_no_delete", "tree_nodes_no_update"]
            : ["checkpoints_append_only", "checkpoints_no_truncate", "ledger_contents_no_update", "ledger_entries_append_only", "ledger_entries_no_truncate",
               "ledger_seals_append_only", "ledger_seals_no_truncate", "tree_nodes_append_only", "tree_nodes_no_truncate"];
        Assert.Equal(expected, triggers);
    }

    [Theory]
    [InlineData("sqlite-down")]
    [InlineData("postgres-down")]
    public void DownScriptDropsTheTriggersItCreated(string script)
    {
        var up = Regex.Matches(Script(script.Replace("-down", "", StringComparison.Ordinal)), @"CREATE TRIGGER (\w+)").Select(m => m.Groups[1].Value).Order();
        var down = Regex.Matches(Script(script), @"DROP TRIGGER IF EXISTS (\w+)").Select(m => m.Groups[1].Value).Order();
        Assert.Equal(up, down);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void NoColumnIsGeneratedByIdentitySequenceOrAutoincrement(string script)
    {
        var sql = Script(script);
        var withoutCookieKeys = MigrationScripts.CookieKeysTable.Replace(sql, "");
        Assert.NotEqual(sql, withoutCookieKeys);
        Assert.DoesNotMatch(new Regex(@"\bAUTOINCREMENT\b|\bIDENTITY\b|\bSERIAL\b|\bBIGSERIAL\b|\bnextval\s*\(|\bCREATE SEQUENCE\b", RegexOptions.IgnoreCase), withoutCookieKeys);
    }
}
