using AuditPortal.Configuration;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Ledger;

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
        services.AddSingleton<IDbContextFactory<LedgerDbContext>>(sp =>
            new LedgerDbContextFactory(sp.GetRequiredService<LedgerLocation>(), backgroundCheckpoints));
        services.AddSingleton<SigningKeyHolder>();
        services.AddSingleton(sp => new LedgerAppender(sp.GetRequiredService<SigningKeyHolder>().Signer, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LedgerStartup>();
        return services;
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

/// <summary>One short-lived context per unit of work, for whichever provider is configured.</summary>
public sealed class LedgerDbContextFactory(LedgerLocation location, bool backgroundCheckpoints) : IDbContextFactory<LedgerDbContext>
{
    private readonly Func<LedgerDbContext> _open = LedgerDatabase.Factory(location.Provider, location.ConnectionString, backgroundCheckpoints);

    public LedgerDbContext CreateDbContext() => _open();
}
