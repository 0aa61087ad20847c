using Microsoft.EntityFrameworkCore.Design;

namespace AuditPortal.Data.Ledger.Providers;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLedgerDbContext>
{
    public SqliteLedgerDbContext CreateDbContext(string[] args) =>
        new(LedgerDatabase.Options<SqliteLedgerDbContext>("Data Source=design-time.db"));
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLedgerDbContext>
{
    public PostgresLedgerDbContext CreateDbContext(string[] args) =>
        new(LedgerDatabase.Options<PostgresLedgerDbContext>("Host=localhost;Database=design_time"));
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerLedgerDbContext>
{
    public SqlServerLedgerDbContext CreateDbContext(string[] args) =>
        new(LedgerDatabase.Options<SqlServerLedgerDbContext>("Server=localhost;Database=design_time;Trusted_Connection=True;TrustServerCertificate=True"));
}
