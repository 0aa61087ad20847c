using AuditPortal.Data.Hashing;

namespace AuditPortal.Data.Merkle;

/// <summary>RFC 9162 §2.1.1 hashing: domain-separated SHA-256 for leaves (0x00) and interior nodes (0x01).</summary>
public static class MerkleHash
{
    public const int Size = 32;

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static readonly byte[] EmptyRoot = Sha256.Hash([], [], []);

    public static byte[] Leaf(ReadOnlySpan<byte> leafBytes)
    {
        var hash = new byte[Size];
        Leaf(leafBytes, hash);
        return hash;
    }

    public static void Leaf(ReadOnlySpan<byte> leafBytes, Span<byte> destination) => Sha256.Hash([0x00], leafBytes, destination);

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Sha256.Hash([0x01], left, right);
}
