using AuditPortal.Data.Ledger.Model;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// The ledger's one EF Core model. Each provider has its own subclass so that it has its own
/// migration set and snapshot, e.g.
/// <code>dotnet ef migrations add NAME --project AuditPortal.Data --context SqliteLedgerDbContext --output-dir Migrations/Sqlite</code>
/// (see docs/migrations.md for all three).
/// </summary>
public abstract class LedgerDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<LedgerEntry> Entries => Set<LedgerEntry>();
    public DbSet<LedgerContent> Contents => Set<LedgerContent>();
    public DbSet<TreeNode> TreeNodes => Set<TreeNode>();
    public DbSet<LedgerSeal> Seals => Set<LedgerSeal>();
    public DbSet<CheckpointRecord> Checkpoints => Set<CheckpointRecord>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<PromptVersion> PromptVersions => Set<PromptVersion>();

    /// <summary>
    /// The dashboard's cookie keys, shared by every portal instance; not audited data (verify ignores
    /// them), and encrypted with a key only the holders of the signing key file can derive.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public abstract LedgerProvider Provider { get; }

    /// <summary>
    /// Begins a transaction holding the database-wide append lock, so that any number of portal
    /// instances append in one gapless order. The lock is released when the transaction ends.
    /// </summary>
    public virtual async Task<IDbContextTransaction> BeginAppendTransactionAsync(CancellationToken cancellationToken)
    {
        var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await AcquireAppendLockAsync(cancellationToken);
        return transaction;
    }

    protected abstract Task AcquireAppendLockAsync(CancellationToken cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LedgerDbContext).Assembly);
}

public enum LedgerProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}
