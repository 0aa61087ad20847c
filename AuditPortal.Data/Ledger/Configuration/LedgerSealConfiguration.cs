using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class LedgerSealConfiguration : IEntityTypeConfiguration<LedgerSeal>
{
    public void Configure(EntityTypeBuilder<LedgerSeal> seal)
    {
        seal.ToTable("ledger_seals");
        seal.HasKey(s => s.TreeSize);
        seal.Property(s => s.TreeSize).ValueGeneratedNever();
        seal.Property(s => s.RootHash).HasMaxLength(32).IsFixedLength();
        seal.Property(s => s.Signature).HasMaxLength(64).IsFixedLength();
    }
}
