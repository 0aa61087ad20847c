using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class PromptVersionConfiguration : IEntityTypeConfiguration<PromptVersion>
{
    public void Configure(EntityTypeBuilder<PromptVersion> prompt)
    {
        prompt.ToTable("prompt_versions");
        prompt.HasKey(p => new { p.Name, p.Version });
        prompt.Property(p => p.Name).HasMaxLength(FieldLimits.Name);
        prompt.Property(p => p.AuthorId).HasMaxLength(FieldLimits.ActorId);
        prompt.Property(p => p.DecidedBy).HasMaxLength(FieldLimits.ActorId);
        prompt.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
    }
}
