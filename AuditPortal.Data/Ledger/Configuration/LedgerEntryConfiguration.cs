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
        // one id, one service may not record two events under it. The id comes first: a group commit
        // looks up hundreds of ids of one submitter, and with the submitter first PostgreSQL, holding
        // statistics from before a busy service's burst, sought the submitter alone and filtered every
        // row it had sent (49 ms a group at 120,000 events; docs/benchmarks.md). Led by the id, every
        // plan that uses the index seeks each id.
        entry.HasIndex(e => new { e.EventId, e.SubmittedBy }).IsUnique();
        // Timeline paging is keyset on (occurred_at, sequence), newest first. Each filter gets an index
        // that starts with its column and then holds that order, so "this filter, newest first" is a
        // seek and a walk backwards that stops after one page: no sort, whatever the filter matches.
        // A time range narrows the same walk. Nullable columns are indexed only where they are set:
        // no filter asks for "no model", and most events have no prompt.
        entry.HasIndex(e => new { e.OccurredAt, e.Sequence });
        entry.HasIndex(e => new { e.ActorId, e.OccurredAt, e.Sequence });
        entry.HasIndex(e => new { e.Type, e.OccurredAt, e.Sequence });
        entry.HasIndex(e => new { e.Application, e.OccurredAt, e.Sequence }).HasFilter("application IS NOT NULL");
        entry.HasIndex(e => new { e.Model, e.OccurredAt, e.Sequence }).HasFilter("model IS NOT NULL");
        entry.HasIndex(e => new { e.PromptName, e.OccurredAt, e.Sequence }).HasFilter("prompt_name IS NOT NULL");
        entry.HasIndex(e => new { e.PromptName, e.PromptVersion, e.OccurredAt, e.Sequence }).HasFilter("prompt_name IS NOT NULL");
        // No index on provider: no query filters by it.
    }
}
