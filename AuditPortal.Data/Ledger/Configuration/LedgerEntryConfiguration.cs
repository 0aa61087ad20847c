using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> entry)
    {
        entry.ToTable("ledger_entries");
        entry.HasKey(e => e.Sequence);
        // The position in the tree is assigned under the append lock; IDENTITY or SEQUENCE would leave gaps.
        entry.Property(e => e.Sequence).ValueGeneratedNever();
        entry.Property(e => e.EventId).HasMaxLength(FieldLimits.EventId);
        entry.Property(e => e.Type).HasMaxLength(FieldLimits.Type);
        entry.Property(e => e.ActorId).HasMaxLength(FieldLimits.ActorId);
        entry.Property(e => e.ActorKind).HasMaxLength(16);
        entry.Property(e => e.SubmittedBy).HasMaxLength(FieldLimits.ActorId);
        entry.Property(e => e.Application).HasMaxLength(FieldLimits.Name);
        entry.Property(e => e.Model).HasMaxLength(FieldLimits.Name);
        entry.Property(e => e.Provider).HasMaxLength(FieldLimits.Name);
        entry.Property(e => e.PromptName).HasMaxLength(FieldLimits.Name);
        entry.Property(e => e.LeafHash).HasMaxLength(32).IsFixedLength();
        entry.Property(e => e.SearchText).HasMaxLength(Envelope.MaxSearchText);

        // Idempotency is scoped to the submitting service account (docs/api.md): two services may use
        // one id, one service may not record two events under it. Submitter first, because every
        // duplicate lookup names the submitter.
        entry.HasIndex(e => new { e.SubmittedBy, e.EventId }).IsUnique();
        // Timeline paging is keyset on (occurred_at, sequence); each filter column gets its own index.
        entry.HasIndex(e => new { e.OccurredAt, e.Sequence });
        entry.HasIndex(e => e.ActorId);
        entry.HasIndex(e => e.Type);
        entry.HasIndex(e => e.Application);
        entry.HasIndex(e => e.Model);
        entry.HasIndex(e => e.Provider);
        entry.HasIndex(e => new { e.PromptName, e.PromptVersion });
    }
}
