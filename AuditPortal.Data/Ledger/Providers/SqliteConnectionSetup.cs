using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// Per-connection SQLite settings the ledger's promises depend on: WAL so readers never block the
/// writer, synchronous=FULL so a committed (and acknowledged) append survives power loss, and a busy
/// timeout so several processes on one file wait for the write lock instead of failing.
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
