using System.Reflection;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuditPortal.Tests.Migrations;

/// <summary>
/// The one model and its three migration sets (one per provider, each with its own snapshot) agree.
/// None of this needs a database: the contexts are never connected.
/// </summary>
public class ModelSnapshotTests
{
    public static readonly TheoryData<LedgerProvider> Providers = new(MigrationScripts.Providers);

    /// <summary>Ledger positions are assigned under the append lock; a database-generated value would leave gaps.</summary>
    public static readonly TheoryData<LedgerProvider, Type, string> LedgerPositions = new(
        from provider in MigrationScripts.Providers
        from position in new (Type Entity, string Property)[]
        {
            (typeof(LedgerEntry), nameof(LedgerEntry.Sequence)),
            (typeof(TreeNode), nameof(TreeNode.NodeKey)),
            (typeof(LedgerSeal), nameof(LedgerSeal.TreeSize)),
            (typeof(CheckpointRecord), nameof(CheckpointRecord.TreeSize)),
            (typeof(LedgerContent), nameof(LedgerContent.Sequence)),
        }
        select (provider, position.Entity, position.Property));

    private static string MigrationsNamespace(LedgerProvider provider) => $"AuditPortal.Data.Migrations.{provider}";

    [Theory]
    [MemberData(nameof(Providers))]
    public void MigrationsAreUpToDateWithTheModel(LedgerProvider provider)
    {
        using var db = MigrationScripts.Open(provider);
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The {provider} migrations lag behind the model: add a migration for {provider} (docs/migrations.md).");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EachProviderHasItsOwnMigrationsAndSnapshotInItsOwnFolder(LedgerProvider provider)
    {
        using var db = MigrationScripts.Open(provider);
        Assert.NotEmpty(db.Database.GetMigrations());

        var migrations = db.GetService<IMigrationsAssembly>();
        Assert.Equal(db.Database.GetMigrations(), migrations.Migrations.Keys);
        Assert.All(migrations.Migrations.Values, type => Assert.Equal(MigrationsNamespace(provider), type.Namespace));

        var snapshot = Assert.IsAssignableFrom<ModelSnapshot>(migrations.ModelSnapshot);
        Assert.Equal(MigrationsNamespace(provider), snapshot.GetType().Namespace);
        Assert.Equal(db.GetType(), snapshot.GetType().GetCustomAttribute<DbContextAttribute>()!.ContextType);
    }

    [Fact]
    public void MigrationsAssemblyHoldsExactlyOneMigrationSetPerProvider()
    {
        var assembly = typeof(LedgerDbContext).Assembly;
        var types = assembly.GetTypes().Where(t => !t.IsAbstract).ToList();

        static Type ContextOf(Type type) =>
            type.GetCustomAttribute<DbContextAttribute>()?.ContextType
            ?? throw new InvalidOperationException($"{type.FullName} has no [DbContext] attribute.");

        var expected = MigrationScripts.Providers.ToDictionary(LedgerDatabase.ContextType, MigrationsNamespace);

        // Every migration belongs to one provider's context and lives in that provider's namespace.
        var migrations = types.Where(t => t.IsSubclassOf(typeof(Migration))).ToList();
        Assert.NotEmpty(migrations);
        Assert.All(migrations, m => Assert.Equal(expected[ContextOf(m)], m.Namespace));
        Assert.Equal(expected.Keys.OrderBy(t => t.Name), migrations.Select(ContextOf).Distinct().OrderBy(t => t.Name));

        // One snapshot per provider, beside its migrations.
        var snapshots = types.Where(t => t.IsSubclassOf(typeof(ModelSnapshot))).ToList();
        Assert.Equal(expected.Count, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal(expected[ContextOf(s)], s.Namespace));
        Assert.Equal(expected.Keys.OrderBy(t => t.Name), snapshots.Select(ContextOf).OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void MigrationSourceFilesLiveInTheirProviderFolder(LedgerProvider provider)
    {
        // `dotnet ef migrations add --namespace …` writes the snapshot to a folder derived from the
        // namespace (AuditPortal.Data/AuditPortal/Data/Migrations/<Provider>/); it must be moved.
        var data = FindDataProjectDirectory();
        if (data is null)
        {
            Assert.Skip("The AuditPortal.Data sources are not beside this test build.");
            return;
        }
        Assert.False(Directory.Exists(Path.Combine(data, "AuditPortal")), $"Stray EF output folder {Path.Combine(data, "AuditPortal")}: move its files into Migrations/<Provider>/.");

        var folder = Path.Combine(data, "Migrations", provider.ToString());
        var files = Directory.GetFiles(folder, "*.cs");
        Assert.Contains(files, f => Path.GetFileName(f) == $"{provider}LedgerDbContextModelSnapshot.cs");
        Assert.All(files, f => Assert.Contains($"namespace {MigrationsNamespace(provider)}", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LedgerPositions))]
    public void LedgerPositionsAreNeverGeneratedByTheDatabase(LedgerProvider provider, Type entity, string property)
    {
        using var db = MigrationScripts.Open(provider);

        var designTime = db.GetService<IDesignTimeModel>().Model.FindEntityType(entity)!.FindProperty(property)!;
        Assert.Equal(ValueGenerated.Never, designTime.ValueGenerated);
        Assert.Null(designTime.GetDefaultValueSql());
        Assert.Null(designTime.GetComputedColumnSql());
        switch (provider)
        {
            case LedgerProvider.SqlServer:
                Assert.Equal(SqlServerValueGenerationStrategy.None, SqlServerPropertyExtensions.GetValueGenerationStrategy(designTime));
                break;
            case LedgerProvider.Postgres:
                Assert.Equal(Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.None,
                    NpgsqlPropertyExtensions.GetValueGenerationStrategy(designTime));
                break;
        }

        Assert.Equal(ValueGenerated.Never, db.Model.FindEntityType(entity)!.FindProperty(property)!.ValueGenerated);

        // The snapshot the next migration will be diffed against says the same.
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot!.Model;
        Assert.Equal(ValueGenerated.Never, snapshot.FindEntityType(entity.FullName!)!.FindProperty(property)!.ValueGenerated);
    }

    private static string? FindDataProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "AuditPortal.Data");
            if (File.Exists(Path.Combine(candidate, "AuditPortal.Data.csproj"))) return candidate;
        }
        return null;
    }
}
