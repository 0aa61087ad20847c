using System.Security.Cryptography;
using AuditPortal.Data.Hashing;

namespace AuditPortal.Tests.Hashing;

/// <summary>
/// The ledger's SHA-256 calls libcrypto directly where it can (see <see cref="Sha256"/>); whichever
/// way it hashes, the answer must be SHA-256 of the parts in a row.
/// </summary>
public sealed class Sha256Tests
{
    [Fact]
    public void OnLinuxItCallsLibcryptoDirectly()
    {
        // The point of the class: a quiet fall-back to the slow path would not fail any other test.
        Assert.Equal(OperatingSystem.IsLinux(), Sha256.UsesOpenSslDirectly);
    }

    /// <summary>FIPS 180-2's examples, split across the parts at every position.</summary>
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void GivesTheStandardsAnswerHoweverTheInputIsSplit(string message, string expected)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(message);
        var digest = new byte[Sha256.Size];
        for (var i = 0; i <= bytes.Length; i++)
        for (var j = i; j <= bytes.Length; j++)
        {
            Sha256.Hash(bytes.AsSpan(0, i), bytes.AsSpan(i, j - i), bytes.AsSpan(j), digest);
            Assert.Equal(expected, Convert.ToHexStringLower(digest));
        }
    }

    [Fact]
    public void AgreesWithDotNetsSha256AtEverySizeUpToSeveralUpdateLimits()
    {
        // Past 16 KB a part is fed to libcrypto in pieces; a million bytes is FIPS 180-2's long example's size.
        var random = new Random(9162);
        var digest = new byte[Sha256.Size];
        foreach (var size in new[] { 1, 55, 56, 63, 64, 65, 1000, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 50_000, 1_000_000 })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            Sha256.Hash(bytes, digest);
            Assert.Equal(SHA256.HashData(bytes), digest);
            Sha256.Hash(bytes.AsSpan(0, size / 3), bytes.AsSpan(size / 3, size / 3), bytes.AsSpan(2 * (size / 3)), digest);
            Assert.Equal(SHA256.HashData(bytes), digest);
        }
    }

    [Fact]
    public void OneMillionAsIsTheStandardsLongExample()
    {
        var bytes = new byte[1_000_000];
        Array.Fill(bytes, (byte)'a');

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(Sha256.Hash(bytes, [], [])));
    }

    [Fact]
    public void RefusesADestinationTooSmall()
    {
        Assert.Throws<ArgumentException>(() => Sha256.Hash("abc"u8, new byte[31]));
    }

    [Fact]
    public void HashesOnEveryThreadAtOnceAlike()
    {
        // The context lives on each caller's stack: nothing is shared between threads.
        var inputs = Enumerable.Range(0, 2000).Select(i => System.Text.Encoding.ASCII.GetBytes($"entry {i} " + new string('x', i % 300))).ToArray();
        var results = new byte[inputs.Length][];
        Parallel.For(0, inputs.Length, i => results[i] = Sha256.Hash([0x00], inputs[i], []));

        for (var i = 0; i < inputs.Length; i++) Assert.Equal(SHA256.HashData([0x00, .. inputs[i]]), results[i]);
    }
}
