using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// Builds context options for a provider and connection string. The verifier and the CLI use this
/// directly, so a ledger can be opened with nothing but a connection string.
/// </summary>
public static class LedgerDatabase
{
    public static DbContextOptions<TContext> Options<TContext>(string connectionString, bool backgroundCheckpoints = false)
        where TContext : LedgerDbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        Configure(builder, ProviderOf(typeof(TContext)), connectionString, backgroundCheckpoints);
        return builder.Options;
    }

    /// <param name="backgroundCheckpoints">SQLite only: leave WAL checkpoints to <see cref="SqliteWalCheckpoint"/> run by the host.</param>
    public static void Configure(DbContextOptionsBuilder builder, LedgerProvider provider, string connectionString, bool backgroundCheckpoints = false)
    {
        switch (provider)
        {
            case LedgerProvider.Sqlite:
                builder.UseSqlite(connectionString).AddInterceptors(
                    backgroundCheckpoints ? SqliteConnectionSetup.BackgroundCheckpoints : SqliteConnectionSetup.AutomaticCheckpoints);
                break;
            case LedgerProvider.Postgres:
                builder.UseNpgsql(connectionString);
                break;
            case LedgerProvider.SqlServer:
                builder.UseSqlServer(connectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
        builder.UseSnakeCaseNamingConvention();
    }

    /// <summary>Opens a short-lived context, e.g. for the verifier or a CLI verb.</summary>
    public static LedgerDbContext Open(LedgerProvider provider, string connectionString) => Factory(provider, connectionString)();

    /// <summary>Builds the options once and returns a cheap way to open contexts with them.</summary>
    public static Func<LedgerDbContext> Factory(LedgerProvider provider, string connectionString, bool backgroundCheckpoints = false)
    {
        switch (provider)
        {
            case LedgerProvider.Sqlite:
                var sqlite = Options<SqliteLedgerDbContext>(connectionString, backgroundCheckpoints);
                return () => new SqliteLedgerDbContext(sqlite);
            case LedgerProvider.Postgres:
                var postgres = Options<PostgresLedgerDbContext>(connectionString);
                return () => new PostgresLedgerDbContext(postgres);
            case LedgerProvider.SqlServer:
                var sqlServer = Options<SqlServerLedgerDbContext>(connectionString);
                return () => new SqlServerLedgerDbContext(sqlServer);
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
    }

    public static Type ContextType(LedgerProvider provider) => provider switch
    {
        LedgerProvider.Sqlite => typeof(SqliteLedgerDbContext),
        LedgerProvider.Postgres => typeof(PostgresLedgerDbContext),
        LedgerProvider.SqlServer => typeof(SqlServerLedgerDbContext),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static LedgerProvider ProviderOf(Type contextType) =>
        contextType == typeof(SqliteLedgerDbContext) ? LedgerProvider.Sqlite
        : contextType == typeof(PostgresLedgerDbContext) ? LedgerProvider.Postgres
        : contextType == typeof(SqlServerLedgerDbContext) ? LedgerProvider.SqlServer
        : throw new ArgumentException($"Unknown ledger context {contextType.Name}.");
}
