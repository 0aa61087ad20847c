#:property ManagePackageVersionsCentrally=false
#:package Microsoft.Data.Sqlite@10.0.15
// Cost of one multi-row INSERT built the way AuditPortal's BulkInsert builds it on SQLite (16 columns,
// one named parameter per value, parameter names without the '@' prefix), against the alternatives.
// Run from the repository root: dotnet run bench/experiments/sqlite-binding.cs
// Prints milliseconds per transaction (best of 3), WAL + synchronous=FULL, a fresh file in /tmp.
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

var path = Path.Combine(Path.GetTempPath(), $"sqlite-binding-{Guid.NewGuid():N}.db");
using var connection = new SqliteConnection($"Data Source={path}");
connection.Open();
using (var setup = connection.CreateCommand())
{
    setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15)";
    setup.ExecuteNonQuery();
}
long sequence = 0;
var blob = new byte[600];
Random.Shared.NextBytes(blob);
object Value(int column) => column == 0 ? sequence++ : column == 14 ? blob : "some text value";

// BulkInsert's way: multi-row statements of up to rowsPerStatement rows, a parameter per value.
double MultiRow(int rows, int rowsPerStatement, bool prefixedNames)
{
    var clock = Stopwatch.StartNew();
    using var transaction = connection.BeginTransaction();
    for (var offset = 0; offset < rows; offset += rowsPerStatement)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder("INSERT INTO t VALUES ");
        var p = 0;
        for (var r = 0; r < Math.Min(rowsPerStatement, rows - offset); r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < 16; c++)
            {
                var name = "p" + p++;
                text.Append(c == 0 ? "@" : ", @").Append(name);
                command.Parameters.Add(new SqliteParameter(prefixedNames ? "@" + name : name, Value(c)));
            }
            text.Append(')');
        }
        command.CommandText = text.ToString();
        command.ExecuteNonQuery();
    }
    transaction.Commit();
    return clock.Elapsed.TotalMilliseconds;
}

// The raw baseline's way: one prepared single-row INSERT, reused.
double Prepared(int rows)
{
    var clock = Stopwatch.StartNew();
    using var transaction = connection.BeginTransaction();
    using var command = connection.CreateCommand();
    command.Transaction = transaction;
    command.CommandText = "INSERT INTO t VALUES (" + string.Join(", ", Enumerable.Range(0, 16).Select(i => "@c" + i)) + ")";
    for (var c = 0; c < 16; c++) command.Parameters.Add(new SqliteParameter("@c" + c, null));
    command.Prepare();
    for (var r = 0; r < rows; r++)
    {
        for (var c = 0; c < 16; c++) command.Parameters[c].Value = Value(c);
        command.ExecuteNonQuery();
    }
    transaction.Commit();
    return clock.Elapsed.TotalMilliseconds;
}

double Best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Min();
MultiRow(100, 100, false);
Prepared(100);
Console.WriteLine("| rows per transaction | BulkInsert today: 500-row statements, names 'pN' | same, names '@pN' | 100-row statements, 'pN' | 100-row statements, '@pN' | prepared single-row INSERT |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (var rows in new[] { 100, 400, 800, 1600 })
    Console.WriteLine($"| {rows} | {Best(() => MultiRow(rows, 500, false)):0.0} ms | {Best(() => MultiRow(rows, 500, true)):0.0} ms | " +
                      $"{Best(() => MultiRow(rows, 100, false)):0.0} ms | {Best(() => MultiRow(rows, 100, true)):0.0} ms | {Best(() => Prepared(rows)):0.0} ms |");
connection.Close();
SqliteConnection.ClearAllPools();
File.Delete(path);
