using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuditPortal.Tests.Migrations;

/// <summary>
/// Opens a context per provider without ever connecting (the connection strings name no real server)
/// and generates its migration scripts in-process, as <c>dotnet ef migrations script</c> would.
/// </summary>
internal static class MigrationScripts
{
    public const string SqlServerConnectionString = "Server=localhost;Database=unused;TrustServerCertificate=True";

    public static readonly LedgerProvider[] Providers = [LedgerProvider.Sqlite, LedgerProvider.Postgres, LedgerProvider.SqlServer];

    /// <summary>
    /// The dashboard's cookie keys (Data Protection's own entity, keyed by an identity column). Not
    /// ledger data: no position in the log, so the gapless-position rules do not apply to it.
    /// </summary>
    public const string CookieKeysTableName = "data_protection_keys";

    /// <summary>That table's CREATE TABLE statement, in any provider's quoting.</summary>
    public static readonly System.Text.RegularExpressions.Regex CookieKeysTable =
        new(@"CREATE TABLE (IF NOT EXISTS )?[""\[]?data_protection_keys[""\]]? \((?:[^;])*?\);", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public static LedgerDbContext Open(LedgerProvider provider) => provider switch
    {
        LedgerProvider.Sqlite => new SqliteLedgerDbContext(LedgerDatabase.Options<SqliteLedgerDbContext>("Data Source=unused.db")),
        LedgerProvider.Postgres => new PostgresLedgerDbContext(LedgerDatabase.Options<PostgresLedgerDbContext>("Host=localhost;Database=unused")),
        LedgerProvider.SqlServer => new SqlServerLedgerDbContext(LedgerDatabase.Options<SqlServerLedgerDbContext>(SqlServerConnectionString)),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The script from an empty database to the latest migration.</summary>
    public static string Up(LedgerProvider provider, bool idempotent = false)
    {
        using var db = Open(provider);
        return db.GetService<IMigrator>().GenerateScript(
            options: idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
    }

    /// <summary>The script from the latest migration back to an empty database.</summary>
    public static string Down(LedgerProvider provider)
    {
        using var db = Open(provider);
        var latest = db.Database.GetMigrations().Last();
        return db.GetService<IMigrator>().GenerateScript(fromMigration: latest, toMigration: Migration.InitialDatabase);
    }

    /// <summary>The SQL Server scripts under test, by name (for theories).</summary>
    public static string SqlServer(string kind) => kind switch
    {
        "idempotent" => Up(LedgerProvider.SqlServer, idempotent: true),
        "plain" => Up(LedgerProvider.SqlServer),
        "down" => Down(LedgerProvider.SqlServer),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
