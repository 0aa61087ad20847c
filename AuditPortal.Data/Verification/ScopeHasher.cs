using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AuditPortal.Data.Verification;

/// <summary>
/// The 64-bit hash the verifier keeps for each entry's idempotency scope (submittedBy.id, id), to find a
/// repeated one with flat memory: SipHash-2-4 under a key drawn for each run. SipHash is a keyed
/// function built against hash flooding, so nobody can choose ids that collide (a collision only costs
/// the run a confirmation from the envelopes, but many would slow it down) without the key, which
/// exists only in the verifying process. It is libsodium's <c>crypto_shorthash</c>, from the libsodium
/// NSec already loads: about 35 ns for a typical scope against about 500 ns for the SHA-256 used before,
/// most of that the cost of a call into OpenSSL.
/// </summary>
internal sealed class ScopeHasher
{
    private const int KeySize = 16;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>
    /// The hash of the two canonical (still escaped) values, the first length-prefixed: canonical JSON
    /// has one spelling per string, so equal scopes hash equally, and no two scopes share an input.
    /// </summary>
    public ulong Hash(ReadOnlySpan<byte> submitter, ReadOnlySpan<byte> id)
    {
        var length = 4 + submitter.Length + id.Length;
        // Sized for a typical scope (under 100 bytes): a stackalloc is zeroed on every call.
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> input = rented is not null ? rented : stackalloc byte[256];
        BinaryPrimitives.WriteInt32LittleEndian(input, submitter.Length);
        submitter.CopyTo(input[4..]);
        id.CopyTo(input[(4 + submitter.Length)..]);
        var hash = SipHash24(_key, input[..length]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    /// <summary>SipHash-2-4 of <paramref name="message"/> under a 16-byte key, its 8 bytes read little-endian.</summary>
    internal static ulong SipHash24(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        if (key.Length != KeySize) throw new ArgumentException($"SipHash takes a {KeySize}-byte key.", nameof(key));
        Span<byte> hash = stackalloc byte[8];
        // The spans' memory cannot move during the call: it skips the GC transition, so no collection runs.
        ShortHash(ref MemoryMarshal.GetReference(hash), ref MemoryMarshal.GetReference(message), (ulong)message.Length,
            ref MemoryMarshal.GetReference(key));
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    // int crypto_shorthash(unsigned char *out, const unsigned char *in, unsigned long long inlen, const unsigned char *k):
    // SipHash-2-4, pure computation over the caller's buffers (no allocation, no locks, no initialisation needed).
    [DllImport("libsodium", EntryPoint = "crypto_shorthash"), SuppressGCTransition]
    private static extern int ShortHash(ref byte hash, ref byte message, ulong length, ref byte key);
}
