using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.ToTable("api_keys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).ValueGeneratedNever();
        key.Property(k => k.Name).HasMaxLength(FieldLimits.KeyName);
        key.Property(k => k.Scope).HasMaxLength(16);
        key.Property(k => k.SecretHash).HasMaxLength(32).IsFixedLength();
        key.Property(k => k.Prefix).HasMaxLength(16);
        key.Property(k => k.CreatedBy).HasMaxLength(FieldLimits.ActorId);
        key.HasIndex(k => k.Name).IsUnique();
        key.HasIndex(k => k.SecretHash).IsUnique();
    }
}
