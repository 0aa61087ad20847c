using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SQLitePCL;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// Inserts for the append path, shaped from the EF model (table, columns, provider type mappings)
/// and done the fastest way each engine offers: one prepared single-row INSERT stepped through
/// SQLite's own statement API, binary COPY
/// on PostgreSQL, multi-row parameterised INSERTs on SQL Server. The SQL text depends only on the
/// model; every value travels as a parameter or in COPY's binary stream. Change tracking would cost
/// more than the database does at ingestion rates (docs/benchmarks.md).
/// </summary>
internal static class BulkInsert
{
    private static readonly ConcurrentDictionary<(IModel, Type), TableShape> Shapes = new();

    public static Task InsertAsync<T>(LedgerDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return Task.CompletedTask;
        var shape = Shapes.GetOrAdd((db.Model, typeof(T)), key => TableShape.Create(db, key.Item2));
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Appends must run inside the append transaction.");
        return db.Provider switch
        {
            LedgerProvider.Sqlite => SqliteRows(shape, (SqliteConnection)connection, rows),
            LedgerProvider.Postgres => BinaryCopyAsync(shape, (NpgsqlConnection)connection, rows, cancellationToken),
            _ => MultiRowAsync(shape, connection, transaction, rows, maxParameters: 2000, cancellationToken),
        };
    }

    // SQLite is in-process: a statement per row costs microseconds, while one statement with thousands
    // of named parameters makes binding quadratic (each name is looked up by a scan). Stepping the
    // statement directly saves Microsoft.Data.Sqlite's per-execution reader and parameter objects,
    // about a third of the cost of each row (docs/benchmarks.md). It runs in the connection's open
    // append transaction like any other statement on it.
    private static Task SqliteRows<T>(TableShape shape, SqliteConnection connection, IReadOnlyList<T> rows) where T : class
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        // Placeholders are numbered in order of appearance, so @p0 is parameter 1.
        using var statement = SqliteCall.Prepare(database, shape.InsertSql(rowCount: 1));
        foreach (var row in rows)
        {
            for (var c = 0; c < shape.Columns.Count; c++) SqliteCall.Bind(database, statement, c + 1, shape.Columns[c].ValueOf(row));
            SqliteCall.StepDone(database, statement);
            SqliteCall.Check(database, raw.sqlite3_reset(statement));
        }
        return Task.CompletedTask;
    }

    private static async Task BinaryCopyAsync<T>(TableShape shape, NpgsqlConnection connection, IReadOnlyList<T> rows,
        CancellationToken cancellationToken) where T : class
    {
        // COPY runs on the connection, inside its open transaction.
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {shape.Table} ({shape.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var column in shape.Columns)
            {
                var value = column.ValueOf(row);
                if (value is null) await importer.WriteNullAsync(cancellationToken);
                else await importer.WriteAsync(value, column.Mapping.StoreTypeNameBase, cancellationToken);
            }
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task MultiRowAsync<T>(TableShape shape, DbConnection connection, DbTransaction transaction,
        IReadOnlyList<T> rows, int maxParameters, CancellationToken cancellationToken) where T : class
    {
        var rowsPerStatement = Math.Max(1, Math.Min(500, maxParameters / shape.Columns.Count));
        for (var offset = 0; offset < rows.Count; offset += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = shape.InsertSql(count);
            for (var r = 0; r < count; r++)
            for (var c = 0; c < shape.Columns.Count; c++)
            {
                var parameter = shape.Columns[c].CreateParameter(command, shape.ParameterName(r * shape.Columns.Count + c));
                parameter.Value = shape.Columns[c].ValueOf(rows[offset + r]) ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record TableShape(string Table, string ColumnList, IReadOnlyList<ColumnShape> Columns, ISqlGenerationHelper Sql)
    {
        public static TableShape Create(LedgerDbContext db, Type type)
        {
            var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            var columns = entityType.GetProperties().Select(p => new ColumnShape(p, p.GetColumnName(table)!, p.GetRelationalTypeMapping())).ToList();
            return new TableShape(sql.DelimitIdentifier(table.Name, table.Schema), string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name))), columns, sql);
        }

        // The parameter carries the placeholder's exact name ("@p0"): Microsoft.Data.Sqlite otherwise
        // tries several prefixes for every parameter, scanning the statement each time.
        public string ParameterName(int index) => Sql.GenerateParameterName("p" + index);

        public string InsertSql(int rowCount)
        {
            var text = new StringBuilder($"INSERT INTO {Table} ({ColumnList}) VALUES ");
            for (var r = 0; r < rowCount; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < Columns.Count; c++)
                {
                    if (c > 0) text.Append(", ");
                    text.Append(Sql.GenerateParameterNamePlaceholder("p" + (r * Columns.Count + c)));
                }
                text.Append(')');
            }
            return text.ToString();
        }
    }

    private sealed record ColumnShape(IProperty Property, string Name, RelationalTypeMapping Mapping)
    {
        private readonly IClrPropertyGetter _getter = Property.GetGetter();

        public object? ValueOf(object row)
        {
            var value = _getter.GetClrValueUsingContainingEntity(row);
            return value is not null && Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }

        public DbParameter CreateParameter(DbCommand command, string name) => Mapping.CreateParameter(command, name, null, Property.IsNullable);
    }
}
