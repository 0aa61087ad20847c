using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditPortal.Data.Ledger.Configuration;

internal sealed class TreeNodeConfiguration : IEntityTypeConfiguration<TreeNode>
{
    public void Configure(EntityTypeBuilder<TreeNode> node)
    {
        node.ToTable("tree_nodes");
        node.HasKey(n => n.NodeKey);
        node.Property(n => n.NodeKey).ValueGeneratedNever();
        node.Property(n => n.Hash).HasMaxLength(32).IsFixedLength();
    }
}
