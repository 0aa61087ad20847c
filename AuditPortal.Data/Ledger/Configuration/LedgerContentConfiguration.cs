using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class LedgerContentConfiguration : IEntityTypeConfiguration<LedgerContent>
{
    public void Configure(EntityTypeBuilder<LedgerContent> content)
    {
        // SQL Server: EF must not use OUTPUT without INTO on a table with a trigger.
        content.ToTable("ledger_contents", t => t.HasTrigger("ledger_contents_no_update"));
        content.HasKey(c => c.Sequence);
        content.Property(c => c.Sequence).ValueGeneratedNever();
        content.Property(c => c.Salt).HasMaxLength(32).IsFixedLength();
        // Deliberately no foreign key: retention deletes contents, and the verifier, not the
        // database, decides whether a missing content row is legitimate.
    }
}
