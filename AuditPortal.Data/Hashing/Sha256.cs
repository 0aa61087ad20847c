using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AuditPortal.Data.Hashing;

/// <summary>
/// SHA-256 of up to three parts in a row, for the ledger's many small inputs: leaves, interior nodes
/// and content commitments, three or more for every entry a verify run checks.
/// </summary>
/// <remarks>
/// <para>On Linux, .NET's <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> goes through
/// OpenSSL's EVP interface: each call allocates a context, fetches the algorithm under a lock, frees
/// the context and clears the error queue. That costs about 370 ns a call here, more than hashing a
/// 65-byte interior node (80 ns), and was about a seventh of a verify run (docs/benchmarks.md).</para>
/// <para>Where the process has OpenSSL 3's libcrypto (.NET's own cryptography loaded it), this calls
/// its <c>SHA256_Init</c>, <c>SHA256_Update</c> and <c>SHA256_Final</c> with the context on the stack:
/// the same OpenSSL code, CPU extensions included, without that overhead. Elsewhere, or when the
/// library does not give the known answer for a test vector, it is <see cref="SHA256"/>.</para>
/// </remarks>
public static class Sha256
{
    public const int Size = 32;

    /// <summary>Whether the hashes come from libcrypto's SHA256_* functions (false: from <see cref="SHA256"/>).</summary>
    public static bool UsesOpenSslDirectly { get; } = OpenSslSha256.Works();

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => Hash(data, [], [], destination);

    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination) => Hash(first, second, [], destination);

    /// <summary>SHA-256 of <paramref name="first"/> ‖ <paramref name="second"/> ‖ <paramref name="third"/>, without copying them together.</summary>
    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException($"The destination needs room for {Size} bytes.", nameof(destination));
        if (UsesOpenSslDirectly)
        {
            OpenSslSha256.Hash(first, second, third, destination);
            return;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(first);
        hash.AppendData(second);
        hash.AppendData(third);
        hash.GetHashAndReset(destination);
    }

    public static byte[] Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third)
    {
        var hash = new byte[Size];
        Hash(first, second, third, hash);
        return hash;
    }

    /// <summary>libcrypto's low-level SHA-256 functions (deprecated in OpenSSL 3 in favour of EVP, still exported and kept).</summary>
    private static class OpenSslSha256
    {
        private const string Library = "libcrypto.so.3";

        // sizeof(SHA256_CTX) is 112 bytes on every platform OpenSSL 3 builds for; room to spare.
        private const int ContextSize = 128;

        // Each call hashes at most this much, so that a thread skipping the GC transition keeps the
        // collector waiting for a few microseconds at most, whatever the input's size.
        private const int MaxUpdate = 16 * 1024;

        [DllImport(Library, EntryPoint = "SHA256_Init"), SuppressGCTransition]
        private static extern int Init(ref byte context);

        [DllImport(Library, EntryPoint = "SHA256_Update"), SuppressGCTransition]
        private static extern int Update(ref byte context, ref byte data, nuint length);

        [DllImport(Library, EntryPoint = "SHA256_Final"), SuppressGCTransition]
        private static extern int Final(ref byte digest, ref byte context);

        /// <summary>The library and its three functions are there, and give FIPS 180-2's answer for "abc".</summary>
        public static bool Works()
        {
            if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, out var library)) return false;
            try
            {
                if (!NativeLibrary.TryGetExport(library, "SHA256_Init", out _) || !NativeLibrary.TryGetExport(library, "SHA256_Update", out _)
                    || !NativeLibrary.TryGetExport(library, "SHA256_Final", out _))
                    return false;
                Span<byte> digest = stackalloc byte[Size];
                Hash("ab"u8, "c"u8, [], digest);
                return Convert.ToHexStringLower(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
            }
            finally
            {
                NativeLibrary.Free(library);
            }
        }

        public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
        {
            Span<byte> context = stackalloc byte[ContextSize];
            ref var state = ref MemoryMarshal.GetReference(context);
            if (Init(ref state) != 1) throw new CryptographicException("SHA256_Init failed.");
            Append(ref state, first);
            Append(ref state, second);
            Append(ref state, third);
            if (Final(ref MemoryMarshal.GetReference(destination), ref state) != 1) throw new CryptographicException("SHA256_Final failed.");
        }

        private static void Append(ref byte state, ReadOnlySpan<byte> data)
        {
            for (; !data.IsEmpty; data = data[Math.Min(MaxUpdate, data.Length)..])
                if (Update(ref state, ref MemoryMarshal.GetReference(data), (nuint)Math.Min(MaxUpdate, data.Length)) != 1)
                    throw new CryptographicException("SHA256_Update failed.");
        }
    }
}
