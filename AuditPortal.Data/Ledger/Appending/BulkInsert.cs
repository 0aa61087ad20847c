using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// Multi-row parameterised INSERTs for the append path, built from the EF model (table, columns,
/// provider type mappings), so one code path serves SQLite, PostgreSQL and SQL Server. The SQL text
/// depends only on the model and the row count; every value travels as a parameter.
/// Change tracking would cost more than the database does at ingestion rates.
/// </summary>
internal static class BulkInsert
{
    public static async Task InsertAsync<T>(LedgerDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: p.GetRelationalTypeMapping(), Getter: p.GetGetter()))
            .ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        var columnList = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)));

        var rowsPerStatement = Math.Max(1, Math.Min(500, MaxParameters(db.Provider) / columns.Length));
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Appends must run inside the append transaction.");

        for (var offset = 0; offset < rows.Count; offset += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder($"INSERT INTO {tableName} ({columnList}) VALUES ");
            var p = 0;
            for (var r = 0; r < count; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                var row = rows[offset + r];
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = "p" + p++;
                    if (c > 0) text.Append(", ");
                    text.Append(sql.GenerateParameterNamePlaceholder(name));
                    var value = columns[c].Getter.GetClrValueUsingContainingEntity(row);
                    var converter = columns[c].Mapping.Converter;
                    if (converter is not null && value is not null) value = converter.ConvertToProvider(value);
                    command.Parameters.Add(columns[c].Mapping.CreateParameter(command, name, value, columns[c].Property.IsNullable));
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // Leave headroom below each engine's limit (SQLite 32766, PostgreSQL 65535, SQL Server 2100).
    private static int MaxParameters(LedgerProvider provider) => provider switch
    {
        LedgerProvider.SqlServer => 2000,
        LedgerProvider.Sqlite => 30000,
        _ => 30000,
    };
}
