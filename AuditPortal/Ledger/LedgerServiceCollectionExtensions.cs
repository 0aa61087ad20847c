using AuditPortal.Configuration;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>Options, database, signing key and appender: everything the web host and every CLI verb share.</summary>
    /// <param name="backgroundCheckpoints">SQLite: the host checkpoints the WAL in the background (<see cref="SqliteCheckpointService"/>).</param>
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration, string settingsFolder,
        bool backgroundCheckpoints = false)
    {
        services.AddOptions<PortalOptions>()
            .Bind(configuration.GetSection(PortalOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        services.TryAddSingletonTimeProvider();
        services.AddSingleton(sp => LedgerLocation.From(StartupRefusal.Settings<PortalOptions>(sp), settingsFolder));
        // EF Core's own registration, so its logging and diagnostics reach the host. Each provider has
        // its own context type (and migrations); only the configured one is ever resolved.
        services.AddDbContextFactory<SqliteLedgerDbContext>((sp, b) => Configure(sp, b, LedgerProvider.Sqlite, backgroundCheckpoints));
        services.AddDbContextFactory<PostgresLedgerDbContext>((sp, b) => Configure(sp, b, LedgerProvider.Postgres, backgroundCheckpoints));
        services.AddDbContextFactory<SqlServerLedgerDbContext>((sp, b) => Configure(sp, b, LedgerProvider.SqlServer, backgroundCheckpoints));
        services.AddSingleton<IDbContextFactory<LedgerDbContext>, ConfiguredLedgerContextFactory>();
        services.AddSingleton<SigningKeyHolder>();
        services.AddSingleton(sp => new LedgerAppender(sp.GetRequiredService<SigningKeyHolder>().Signer, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LedgerStartup>();
        return services;
    }

    private static void Configure(IServiceProvider services, DbContextOptionsBuilder builder, LedgerProvider provider, bool backgroundCheckpoints)
    {
        var location = services.GetRequiredService<LedgerLocation>();
        if (location.Provider != provider)
            throw new InvalidOperationException($"The ledger is configured for {location.Provider}; a {provider} context was asked for.");
        LedgerDatabase.Configure(builder, provider, location.ConnectionString, backgroundCheckpoints);
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}

/// <summary>Resolved, absolute locations of everything the ledger keeps, derived once from the options.</summary>
public sealed record LedgerLocation(LedgerProvider Provider, string ConnectionString, string KeyFile, string AnchorDirectory, string Origin)
{
    public static LedgerLocation From(PortalOptions options, string settingsFolder)
    {
        var provider = Enum.Parse<LedgerProvider>(options.Database.Provider, ignoreCase: true);
        var connectionString = provider == LedgerProvider.Sqlite
            ? PortalPaths.ResolveSqliteConnectionString(settingsFolder, options.Database.ConnectionString)
            : options.Database.ConnectionString;
        return new LedgerLocation(provider, connectionString,
            PortalPaths.Resolve(settingsFolder, options.Signing.KeyFile),
            PortalPaths.Resolve(settingsFolder, options.Anchors.Directory),
            options.Signing.Origin);
    }
}

/// <summary>One short-lived context per unit of work, from EF Core's factory for the configured provider.</summary>
public sealed class ConfiguredLedgerContextFactory(IServiceProvider services, LedgerLocation location) : IDbContextFactory<LedgerDbContext>
{
    private readonly Func<LedgerDbContext> _open = location.Provider switch
    {
        LedgerProvider.Sqlite => services.GetRequiredService<IDbContextFactory<SqliteLedgerDbContext>>().CreateDbContext,
        LedgerProvider.Postgres => services.GetRequiredService<IDbContextFactory<PostgresLedgerDbContext>>().CreateDbContext,
        LedgerProvider.SqlServer => services.GetRequiredService<IDbContextFactory<SqlServerLedgerDbContext>>().CreateDbContext,
        _ => throw new ArgumentOutOfRangeException(nameof(location), location.Provider, null),
    };

    public LedgerDbContext CreateDbContext() => _open();
}
