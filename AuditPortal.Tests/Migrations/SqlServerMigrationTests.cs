using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AuditPortal.Tests.Migrations;

/// <summary>
/// The SQL Server migration set, checked without a server: EF generates the scripts in-process and
/// Microsoft's T-SQL parser (ScriptDom, SQL Server 2022 grammar) reads them. This proves the SQL is
/// well-formed and has the intended ledger structure; it does not prove SQL Server accepts and runs
/// it (no SQL Server is available here; see docs/migrations.md).
/// </summary>
public class SqlServerMigrationTests
{
    public static readonly TheoryData<string> Scripts = ["idempotent", "plain", "down"];
    public static readonly TheoryData<string> UpScripts = ["idempotent", "plain"];
    public static readonly TheoryData<string> AppendOnlyTables = ["ledger_entries", "tree_nodes", "ledger_seals", "checkpoints"];
    public static readonly TheoryData<string> UpdatableLedgerTables = ["api_keys", "prompt_versions"];

    private static readonly Lazy<TSqlScriptReader> Idempotent = new(() => TSqlScriptReader.Read(MigrationScripts.SqlServer("idempotent")));
    private static readonly Lazy<TSqlScriptReader> Plain = new(() => TSqlScriptReader.Read(MigrationScripts.SqlServer("plain")));
    private static readonly Lazy<TSqlScriptReader> DownScript = new(() => TSqlScriptReader.Read(MigrationScripts.SqlServer("down")));

    private static TSqlScriptReader Read(string kind) => kind switch
    {
        "idempotent" => Idempotent.Value,
        "plain" => Plain.Value,
        "down" => DownScript.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static IModel DesignTimeModel()
    {
        using var db = MigrationScripts.Open(LedgerProvider.SqlServer);
        return db.GetService<IDesignTimeModel>().Model;
    }

    // ---- The scripts are valid T-SQL --------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptParsesAsSqlServer2022TSqlWithoutErrors(string kind)
    {
        var script = Read(kind);
        Assert.True(script.Errors.Count == 0, $"{kind} script: {TSqlScriptReader.Report(script.Errors)}\n\n{script.Sql}");
        Assert.NotNull(script.Script);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void GoLinesSplitTheScriptIntoTheBatchesTheParserFinds(string kind)
    {
        var script = Read(kind);
        var batches = TSqlScriptReader.SplitOnGo(script.Sql);

        // EF ends every batch with GO: going up, the history-table batch, then the migration's own.
        var minimum = kind == "down" ? 1 : 2;
        Assert.True(batches.Count >= minimum, $"expected at least {minimum} batches, found {batches.Count}");
        Assert.Equal(batches.Count, script.Script!.Batches.Count);
        for (var i = 0; i < batches.Count; i++)
        {
            var errors = TSqlScriptReader.ErrorsOf(batches[i]);
            Assert.True(errors.Count == 0, $"batch {i + 1} of the {kind} script on its own: {TSqlScriptReader.Report(errors)}");
        }
    }

    [Fact]
    public void EveryDynamicSqlStringIsALiteralThatParses()
    {
        var script = Idempotent.Value;
        Assert.NotEmpty(script.Schema.DynamicSql);
        Assert.All(script.Schema.DynamicSql, exec => Assert.All(exec.Strings, s => Assert.IsType<StringLiteral>(s)));
        Assert.Empty(script.Errors);
    }

    // ---- Ledger structure -------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AppendOnlyTables))]
    public void AppendOnlyTablesAreCreatedAsAppendOnlyLedgerTables(string table)
    {
        foreach (var kind in new[] { "idempotent", "plain" })
        {
            var create = Read(kind).Schema.Table(table);
            var ledger = Assert.Single(create.Options.OfType<LedgerTableOption>());
            Assert.Equal(OptionState.On, ledger.OptionState);
            Assert.Equal(OptionState.On, ledger.AppendOnly);
            // An append-only ledger table has no history table: SYSTEM_VERSIONING would be refused by
            // the server, and the parser alone would not notice (see ParserChecksSyntaxNotLedgerSemantics).
            Assert.Empty(create.Options.OfType<SystemVersioningTableOption>());
        }
    }

    [Theory]
    [MemberData(nameof(UpdatableLedgerTables))]
    public void ConfigurationTablesAreUpdatableLedgerTablesWithHistory(string table)
    {
        foreach (var kind in new[] { "idempotent", "plain" })
        {
            var create = Read(kind).Schema.Table(table);
            var ledger = Assert.Single(create.Options.OfType<LedgerTableOption>());
            Assert.Equal(OptionState.On, ledger.OptionState);
            Assert.NotEqual(OptionState.On, ledger.AppendOnly);
            var versioning = Assert.Single(create.Options.OfType<SystemVersioningTableOption>());
            Assert.Equal(OptionState.On, versioning.OptionState);
        }
    }

    [Fact]
    public void ContentTableIsAnOrdinaryTableSoRetentionCanPurgeIt()
    {
        // An updatable ledger table would keep every purged content in its history table forever.
        var create = Idempotent.Value.Schema.Table("ledger_contents");
        Assert.Empty(create.Options.OfType<LedgerTableOption>());
        Assert.Empty(create.Options.OfType<SystemVersioningTableOption>());
    }

    [Fact]
    public void ContentTableRejectsUpdatesWithAnAfterUpdateTrigger()
    {
        foreach (var script in new[] { Idempotent.Value, Plain.Value })
        {
            var trigger = Assert.Single(script.Schema.Triggers);
            Assert.Equal("ledger_contents_no_update", SchemaCollector.Name(trigger.Name));
            Assert.Equal("ledger_contents", SchemaCollector.Name(trigger.TriggerObject.Name));
            Assert.Equal(TriggerType.After, trigger.TriggerType);
            Assert.Equal(TriggerActionType.Update, Assert.Single(trigger.TriggerActions).TriggerActionType);
            Assert.IsType<ThrowStatement>(Assert.Single(Assert.IsType<BeginEndBlockStatement>(Assert.Single(trigger.StatementList.Statements)).StatementList.Statements));

            // CREATE TRIGGER must start a batch, so it is only valid inside EXEC(N'…'), never as a
            // statement of the script itself.
            Assert.DoesNotContain(script.Script!.Batches.SelectMany(b => b.Statements), s => s is CreateTriggerStatement);
        }
    }

    [Fact]
    public void ModelDeclaresTheContentTriggerSoEfNeverUsesOutputWithoutInto()
    {
        var content = DesignTimeModel().FindEntityType(typeof(LedgerContent))!;
        var declared = content.GetDeclaredTriggers().Select(t => t.GetDatabaseName()).Order();
        var created = Idempotent.Value.Schema.Triggers.Select(t => SchemaCollector.Name(t.Name)).Order();
        Assert.Equal(created, declared);
    }

    [Fact]
    public void CreateTriggerOutsideDynamicSqlWouldBeASyntaxErrorInTheIdempotentScript()
    {
        // Why the migration wraps the trigger in EXEC: the idempotent script puts every step inside
        // IF NOT EXISTS (…) BEGIN … END, where CREATE TRIGGER is not allowed.
        var script = Idempotent.Value;
        // EF also wraps filtered CREATE INDEX statements in EXEC in idempotent scripts; take the trigger's.
        static string Inner(ExecuteStatement exec) =>
            string.Concat(Assert.IsType<ExecutableStringList>(exec.ExecuteSpecification.ExecutableEntity).Strings.Cast<StringLiteral>().Select(s => s.Value));
        var exec = Assert.Single(script.Script!.Batches.SelectMany(b => b.Statements).SelectMany(Descendants).OfType<ExecuteStatement>(),
            e => Inner(e).Contains("CREATE TRIGGER", StringComparison.Ordinal));
        var inner = Inner(exec);
        var unwrapped = script.Sql[..exec.StartOffset] + inner + script.Sql[(exec.StartOffset + exec.FragmentLength)..];

        var errors = TSqlScriptReader.ErrorsOf(unwrapped);
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains("TRIGGER", StringComparison.Ordinal));
    }

    [Fact]
    public void ScriptCreatesExactlyTheModelsTables()
    {
        var model = DesignTimeModel();
        var expected = model.GetEntityTypes().Select(e => e.GetTableName()!).Append("__EFMigrationsHistory").Order();
        var created = Idempotent.Value.Schema.Tables.Select(t => SchemaCollector.Name(t.SchemaObjectName)).Order();
        Assert.Equal(expected, created);
    }

    [Fact]
    public void LedgerEntriesColumnsMatchTheModelsLedgerEntryColumns() => AssertColumnsMatchModel(typeof(LedgerEntry));

    [Theory]
    [InlineData(typeof(TreeNode))]
    [InlineData(typeof(LedgerSeal))]
    [InlineData(typeof(CheckpointRecord))]
    [InlineData(typeof(ApiKey))]
    [InlineData(typeof(PromptVersion))]
    [InlineData(typeof(LedgerContent))]
    public void EveryOtherTablesColumnsMatchTheModel(Type entity) => AssertColumnsMatchModel(entity);

    [Fact]
    public void ScriptCreatesExactlyTheModelsIndexes()
    {
        var model = DesignTimeModel();
        var expected = model.GetEntityTypes()
            .SelectMany(e => e.GetIndexes().Select(i =>
                $"{e.GetTableName()}.{i.GetDatabaseName()} unique={i.IsUnique} ({string.Join(",", i.Properties.Select(p => p.GetColumnName()))})"))
            .Order();
        var created = Idempotent.Value.Schema.SurvivingIndexes()
            .Select(i => $"{SchemaCollector.Name(i.OnName)}.{i.Name.Value} unique={i.Unique} " +
                         $"({string.Join(",", i.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value))})")
            .Order();
        Assert.Equal(expected, created);
    }

    // ---- Gapless positions ------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(UpScripts))]
    public void NoColumnIsGeneratedByIdentityOrSequence(string kind)
    {
        var script = Read(kind);
        Assert.NotEmpty(script.Schema.Columns);
        var cookieKeyColumns = script.Schema.Tables
            .Where(t => t.SchemaObjectName.BaseIdentifier.Value == MigrationScripts.CookieKeysTableName)
            .SelectMany(t => t.Definition.ColumnDefinitions).ToHashSet();
        Assert.NotEmpty(cookieKeyColumns);
        Assert.All(script.Schema.Columns.Except(cookieKeyColumns), c => Assert.True(c.IdentityOptions is null, $"{c.ColumnIdentifier.Value} is IDENTITY"));
        Assert.Empty(script.Schema.Sequences);
        Assert.Empty(script.Schema.NextValueFor);
        // Also textually, in case a future edit hides one where the visitor does not look (dynamic SQL
        // built from variables is already reported as an error).
        Assert.DoesNotMatch(new Regex(@"\bIDENTITY\b|\bCREATE\s+SEQUENCE\b|\bNEXT\s+VALUE\s+FOR\b", RegexOptions.IgnoreCase),
            MigrationScripts.CookieKeysTable.Replace(Regex.Replace(script.Sql, @"\s+", " "), ""));
    }

    [Fact]
    public void NoPropertyUsesAnIdentityOrSequenceValueGenerationStrategy()
    {
        foreach (var property in DesignTimeModel().GetEntityTypes().Where(e => e.GetTableName() != MigrationScripts.CookieKeysTableName)
                     .SelectMany(e => e.GetProperties()))
            Assert.True(SqlServerPropertyExtensions.GetValueGenerationStrategy(property) == SqlServerValueGenerationStrategy.None,
                $"{property.DeclaringType.DisplayName()}.{property.Name} uses {SqlServerPropertyExtensions.GetValueGenerationStrategy(property)}");
    }

    [Theory]
    [MemberData(nameof(UpScripts))]
    public void TablesDeclareNoGeneratedAlwaysColumnsSoSqlServerAddsTheLedgerColumnsHidden(string kind)
    {
        // SQL Server adds ledger_start_transaction_id etc. itself; mapping or declaring them would make
        // EF try to insert into GENERATED ALWAYS columns.
        Assert.All(Read(kind).Schema.Columns, c => Assert.True(c.GeneratedAlways is null, $"{c.ColumnIdentifier.Value} is GENERATED ALWAYS"));
        var mapped = DesignTimeModel().GetEntityTypes().SelectMany(e => e.GetProperties()).Select(p => p.GetColumnName());
        Assert.DoesNotContain(mapped, name => name.StartsWith("ledger_start_", StringComparison.Ordinal) || name.StartsWith("ledger_end_", StringComparison.Ordinal));
    }

    // ---- The parser catches mistakes, so "zero errors" means something --------------------------

    [Theory]
    [InlineData("LEDGER = ON (APPEND_ONLY = ON)", "LEDGER = ON (APPEND_ONLY = MAYBE)")]
    [InlineData("LEDGER = ON (APPEND_ONLY = ON)", "LEDGER = ON (APPEND_ONLY = ON")]
    [InlineData("LEDGER = ON (APPEND_ONLY = ON)", "LEDGER = ON APPEND_ONLY = ON")]
    [InlineData("SYSTEM_VERSIONING = ON, LEDGER = ON", "SYSTEM_VERSIONING = ON, LEDGER = MAYBE")]
    [InlineData("SYSTEM_VERSIONING = ON, LEDGER = ON", "SYSTEM_VERSIONING = ON LEDGER = ON")]
    [InlineData("WITH (LEDGER = ON", "WITH (LEDGR = ON")]
    public void ParserReportsAMalformedLedgerClauseInTheRealScript(string correct, string malformed)
    {
        var script = Idempotent.Value.Sql;
        Assert.Contains(correct, script, StringComparison.Ordinal);
        var broken = script.Replace(correct, malformed, StringComparison.Ordinal);

        var errors = TSqlScriptReader.ParseErrors(broken);
        Assert.NotEmpty(errors);
        // Every error points at a line with the mistake (or the line right after, for a missing ")").
        var lines = broken.Split('\n');
        var mistaken = Enumerable.Range(1, lines.Length).Where(n => lines[n - 1].Contains(malformed, StringComparison.Ordinal)).ToHashSet();
        Assert.All(errors, e => Assert.True(mistaken.Contains(e.Line) || mistaken.Contains(e.Line - 1),
            $"error at line {e.Line} ({e.Message}) is not at a malformed clause (lines {string.Join(",", mistaken)})"));
    }

    [Fact]
    public void ParserReportsAMalformedTriggerInsideDynamicSql()
    {
        var script = Idempotent.Value.Sql;
        var broken = script.Replace("AFTER UPDATE AS", "AFTER UPDTE AS", StringComparison.Ordinal);
        Assert.NotEqual(script, broken);
        Assert.Empty(TSqlScriptReader.ErrorsOf(broken)); // the outer script only sees a string literal
        Assert.NotEmpty(TSqlScriptReader.Read(broken).Errors);
    }

    [Fact]
    public void ParserChecksSyntaxNotLedgerSemantics()
    {
        // SQL Server refuses a system-versioned append-only ledger table, but the grammar allows the
        // combination: this is why the structure tests above look at the options themselves.
        Assert.Empty(TSqlScriptReader.ErrorsOf("CREATE TABLE t (a int NOT NULL) WITH (SYSTEM_VERSIONING = ON, LEDGER = ON (APPEND_ONLY = ON));"));
    }

    [Fact]
    public void ScriptNeedsSqlServer2022BecauseOlderGrammarsHaveNoLedgerTables()
    {
        var errors = TSqlScriptReader.ErrorsOf(Idempotent.Value.Sql, new TSql150Parser(initialQuotedIdentifiers: true));
        Assert.Equal(6, errors.Count); // one per ledger table
        Assert.All(errors, e => Assert.Contains("LEDGER", e, StringComparison.Ordinal));
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    private static void AssertColumnsMatchModel(Type clrType)
    {
        var entity = DesignTimeModel().FindEntityType(clrType)!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var expected = entity.GetProperties()
            .Select(p => $"{p.GetColumnName(table)} {p.GetColumnType(table)} {(p.IsColumnNullable(table) ? "NULL" : "NOT NULL")}")
            .Order();
        var expectedKey = $"{entity.FindPrimaryKey()!.GetName()} ({string.Join(",", entity.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName(table)))})";

        foreach (var script in new[] { Idempotent.Value, Plain.Value })
        {
            var create = script.Schema.Table(table.Name);
            var columns = create.Definition.ColumnDefinitions
                .Select(c => $"{c.ColumnIdentifier.Value} {SchemaCollector.TypeOf(c)} {(SchemaCollector.IsNullable(c) ? "NULL" : "NOT NULL")}")
                .Order();
            Assert.Equal(expected, columns, StringComparer.OrdinalIgnoreCase);

            var key = Assert.Single(create.Definition.TableConstraints.OfType<UniqueConstraintDefinition>(), c => c.IsPrimaryKey);
            var actualKey = $"{key.ConstraintIdentifier.Value} ({string.Join(",", key.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value))})";
            Assert.Equal(expectedKey, actualKey);
        }
    }

    private static IEnumerable<TSqlFragment> Descendants(TSqlFragment root)
    {
        var all = new AllFragments();
        root.Accept(all);
        return all.Found;
    }

    private sealed class AllFragments : TSqlFragmentVisitor
    {
        public List<TSqlFragment> Found { get; } = [];
        public override void Visit(TSqlFragment node) => Found.Add(node);
    }
}
