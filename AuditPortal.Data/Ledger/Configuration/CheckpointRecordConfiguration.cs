using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class CheckpointRecordConfiguration : IEntityTypeConfiguration<CheckpointRecord>
{
    public void Configure(EntityTypeBuilder<CheckpointRecord> checkpoint)
    {
        checkpoint.ToTable("checkpoints");
        checkpoint.HasKey(c => c.TreeSize);
        checkpoint.Property(c => c.TreeSize).ValueGeneratedNever();
        checkpoint.Property(c => c.RootHash).HasMaxLength(32).IsFixedLength();
        checkpoint.Property(c => c.Note).HasMaxLength(4000);
    }
}
