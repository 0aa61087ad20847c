using System.Buffers;
using System.Security.Cryptography;

namespace AuditPortal.Data.Merkle;

/// <summary>RFC 9162 §2.1.1 hashing: domain-separated SHA-256 for leaves (0x00) and interior nodes (0x01).</summary>
public static class MerkleHash
{
    public const int Size = 32;

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static readonly byte[] EmptyRoot = SHA256.HashData([]);

    public static byte[] Leaf(ReadOnlySpan<byte> leafBytes)
    {
        var hash = new byte[Size];
        Leaf(leafBytes, hash);
        return hash;
    }

    public static void Leaf(ReadOnlySpan<byte> leafBytes, Span<byte> destination)
    {
        // One-shot hashing of a prefixed copy is markedly cheaper than an IncrementalHash per leaf.
        var length = leafBytes.Length + 1;
        var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        input[0] = 0x00;
        leafBytes.CopyTo(input[1..]);
        SHA256.HashData(input, destination);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * Size];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + Size)..]);
        return SHA256.HashData(input);
    }
}
