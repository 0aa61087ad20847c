using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// Tells a duplicate primary or unique key apart from every other database error, per provider.
/// Callers that treat a duplicate as "someone else wrote this first" must not treat a full disk,
/// a lost connection or a rejecting trigger the same way.
/// </summary>
public static class UniqueKeyViolation
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqlServerDuplicateKey = 2627;
    private const int SqlServerDuplicateIndexKey = 2601;

    public static bool Is(DbException exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
                                  && sqlite.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is SqlServerDuplicateKey or SqlServerDuplicateIndexKey,
        _ => false,
    };
}
