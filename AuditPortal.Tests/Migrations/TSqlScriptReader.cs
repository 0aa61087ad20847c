using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AuditPortal.Tests.Migrations;

/// <summary>
/// Reads a T-SQL script with Microsoft's own parser (the one SqlPackage and SSMS use) for SQL Server
/// 2022, the first version with ledger tables. Dynamic SQL in <c>EXEC(N'…')</c> is parsed too, since
/// that is how the migration creates its trigger.
/// </summary>
internal sealed class TSqlScriptReader
{
    private TSqlScriptReader(string sql, TSqlScript? script, IReadOnlyList<string> errors, SchemaCollector schema)
    {
        Sql = sql;
        Script = script;
        Errors = errors;
        Schema = schema;
    }

    public string Sql { get; }

    /// <summary>The parsed top-level script; null only when the parser gave up entirely.</summary>
    public TSqlScript? Script { get; }

    /// <summary>Parse errors of the script and of every dynamic SQL string in it, readable in a failure message.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Everything found in the script and, recursively, in its dynamic SQL.</summary>
    public SchemaCollector Schema { get; }

    public static TSqlParser NewParser() => new TSql160Parser(initialQuotedIdentifiers: true);

    public static TSqlScriptReader Read(string sql)
    {
        var errors = new List<string>();
        var schema = new SchemaCollector();
        var script = Parse(sql, "script", errors, schema);
        return new TSqlScriptReader(sql, script, errors, schema);
    }

    /// <summary>Parses alone, without looking into dynamic SQL; for checks of the parser itself.</summary>
    public static IReadOnlyList<string> ErrorsOf(string sql, TSqlParser? parser = null) =>
        [.. ParseErrors(sql, parser).Select(e => Describe(e, sql, "script"))];

    public static IList<ParseError> ParseErrors(string sql, TSqlParser? parser = null)
    {
        (parser ?? NewParser()).Parse(new StringReader(sql), out var errors);
        return errors;
    }

    public static string Report(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? "no parse errors" : $"{errors.Count} parse error(s):\n  " + string.Join("\n  ", errors);

    /// <summary>
    /// Splits a script into batches the way sqlcmd and SSMS do for EF's output: on lines that are
    /// exactly <c>GO</c>. Empty batches are dropped.
    /// </summary>
    public static IReadOnlyList<string> SplitOnGo(string sql)
    {
        var batches = new List<string>();
        var current = new StringBuilder();
        foreach (var line in sql.Split('\n'))
        {
            if (line.TrimEnd('\r') == "GO")
            {
                batches.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }
        batches.Add(current.ToString());
        return [.. batches.Where(b => !string.IsNullOrWhiteSpace(b))];
    }

    private static TSqlScript? Parse(string sql, string where, List<string> errors, SchemaCollector schema)
    {
        var fragment = NewParser().Parse(new StringReader(sql), out var parseErrors);
        errors.AddRange(parseErrors.Select(e => Describe(e, sql, where)));
        if (fragment is not TSqlScript script) return null;

        var found = new SchemaCollector();
        script.Accept(found);
        schema.Add(found);
        foreach (var exec in found.DynamicSql)
        {
            if (exec.Strings.Any(s => s is not StringLiteral))
            {
                errors.Add($"{where}: EXEC at line {exec.StartLine} builds its SQL from something other than string literals; it cannot be checked offline");
                continue;
            }
            var inner = string.Concat(exec.Strings.Cast<StringLiteral>().Select(s => s.Value));
            Parse(inner, $"dynamic SQL at line {exec.StartLine} of {where}", errors, schema);
        }
        return script;
    }

    private static string Describe(ParseError error, string sql, string where)
    {
        var lines = sql.Split('\n');
        var text = error.Line >= 1 && error.Line <= lines.Length ? lines[error.Line - 1].Trim() : "";
        return $"{where} line {error.Line}, column {error.Column}: {error.Message} (error {error.Number}) in: {text}";
    }
}

/// <summary>Collects the statements and expressions the migration tests look at.</summary>
internal sealed class SchemaCollector : TSqlFragmentVisitor
{
    public List<CreateTableStatement> Tables { get; } = [];
    public List<CreateIndexStatement> Indexes { get; } = [];
    public List<DropIndexStatement> DroppedIndexes { get; } = [];
    public List<CreateTriggerStatement> Triggers { get; } = [];
    public List<DropTableStatement> DroppedTables { get; } = [];
    public List<ExecutableStringList> DynamicSql { get; } = [];
    public List<CreateSequenceStatement> Sequences { get; } = [];
    public List<NextValueForExpression> NextValueFor { get; } = [];
    public List<ColumnDefinition> Columns { get; } = [];

    public override void Visit(CreateTableStatement node) => Tables.Add(node);
    public override void Visit(CreateIndexStatement node) => Indexes.Add(node);
    public override void Visit(DropIndexStatement node) => DroppedIndexes.Add(node);
    public override void Visit(CreateTriggerStatement node) => Triggers.Add(node);
    public override void Visit(DropTableStatement node) => DroppedTables.Add(node);
    public override void Visit(ExecutableStringList node) => DynamicSql.Add(node);
    public override void Visit(CreateSequenceStatement node) => Sequences.Add(node);
    public override void Visit(NextValueForExpression node) => NextValueFor.Add(node);
    public override void Visit(ColumnDefinition node) => Columns.Add(node);

    public void Add(SchemaCollector other)
    {
        Tables.AddRange(other.Tables);
        Indexes.AddRange(other.Indexes);
        DroppedIndexes.AddRange(other.DroppedIndexes);
        Triggers.AddRange(other.Triggers);
        DroppedTables.AddRange(other.DroppedTables);
        DynamicSql.AddRange(other.DynamicSql);
        Sequences.AddRange(other.Sequences);
        NextValueFor.AddRange(other.NextValueFor);
        Columns.AddRange(other.Columns);
    }

    /// <summary>
    /// The indexes the script leaves in place: each CREATE INDEX not followed by a DROP INDEX of the same
    /// table and name (a later migration replacing an index). Positions compare within the top-level
    /// script, where EF writes index statements.
    /// </summary>
    public IEnumerable<CreateIndexStatement> SurvivingIndexes() => Indexes.Where(created => !DroppedIndexes.Any(drop =>
        drop.StartOffset > created.StartOffset &&
        drop.DropIndexClauses.OfType<DropIndexClause>().Any(c =>
            c.Index.Value == created.Name.Value && Name(c.Object) == Name(created.OnName))));

    /// <summary>The one CREATE TABLE for <paramref name="name"/>; fails if there is none or more than one.</summary>
    public CreateTableStatement Table(string name) =>
        Assert.Single(Tables, t => t.SchemaObjectName.BaseIdentifier.Value == name);

    public static string Name(SchemaObjectName name) => name.BaseIdentifier.Value;

    /// <summary>A column's type as EF writes it, e.g. <c>nvarchar(128)</c>, <c>varbinary(max)</c>, <c>bigint</c>.</summary>
    public static string TypeOf(ColumnDefinition column)
    {
        switch (column.DataType)
        {
            case SqlDataTypeReference sql:
                var name = sql.Name.BaseIdentifier.Value;
                return sql.Parameters.Count == 0 ? name : $"{name}({string.Join(",", sql.Parameters.Select(p => p.Value))})";
            case null:
                return "(computed)";
            default:
                return column.DataType.Name.BaseIdentifier.Value;
        }
    }

    /// <summary>NULL or NOT NULL as declared; SQL Server's default for an undeclared column is NULL.</summary>
    public static bool IsNullable(ColumnDefinition column) =>
        column.Constraints.OfType<NullableConstraintDefinition>().Select(c => (bool?)c.Nullable).SingleOrDefault() ?? true;
}
