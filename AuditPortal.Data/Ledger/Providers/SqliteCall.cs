using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// The few SQLite statement calls the hot paths make directly (appends and the verifier's reads),
/// with errors raised as the <see cref="SqliteException"/> Microsoft.Data.Sqlite would raise.
/// </summary>
internal static class SqliteCall
{
    // How Microsoft.Data.Sqlite, and so EF Core, stores a DateTime: comparisons in queries are textual.
    private const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    public static sqlite3_stmt Prepare(sqlite3 database, string sql)
    {
        Check(database, raw.sqlite3_prepare_v2(database, sql, out var statement));
        return statement;
    }

    public static void Bind(sqlite3 database, sqlite3_stmt statement, int index, object? value)
    {
        var result = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            string text => raw.sqlite3_bind_text(statement, index, text),
            // A zero-length blob through bind_blob would be stored as NULL.
            byte[] { Length: 0 } => raw.sqlite3_bind_zeroblob(statement, index, 0),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            DateTime time => raw.sqlite3_bind_text(statement, index, time.ToString(DateTimeFormat, CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"No SQLite binding for a {value.GetType().Name} value."),
        };
        Check(database, result);
    }

    /// <summary>Steps a statement that returns no rows.</summary>
    public static void StepDone(sqlite3 database, sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW) throw new InvalidOperationException("A statement expected to return nothing returned a row.");
        if (result != raw.SQLITE_DONE) Check(database, result);
    }

    /// <summary>Steps a query; true while it has a row.</summary>
    public static bool StepRow(sqlite3 database, sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW) return true;
        if (result == raw.SQLITE_DONE) return false;
        Check(database, result);
        return false;
    }

    public static void Check(sqlite3 database, int result)
    {
        if (result != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(database).utf8_to_string(), result);
    }
}
