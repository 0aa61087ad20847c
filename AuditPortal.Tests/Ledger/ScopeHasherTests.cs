using AuditPortal.Data.Verification;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// verify finds a repeated (submittedBy.id, id) by a keyed 64-bit hash of each: SipHash-2-4, from
/// libsodium. Equal scopes must hash alike within a run and different ones must not share an input.
/// </summary>
public sealed class ScopeHasherTests
{
    private static readonly byte[] PaperKey = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

    /// <summary>The test vectors of the SipHash paper (Aumasson and Bernstein, appendix A): key 00..0f, message 00..(n-1).</summary>
    [Theory]
    [InlineData(0, 0x726fdb47dd0e0e31UL)]
    [InlineData(15, 0xa129ca6149be45e5UL)]
    public void IsSipHash24(int length, ulong expected)
    {
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        Assert.Equal(expected, ScopeHasher.SipHash24(PaperKey, message));
    }

    [Fact]
    public void EqualScopesHashAlikeAndTheBoundaryBetweenTheTwoValuesCounts()
    {
        var scopes = new ScopeHasher();

        Assert.Equal(scopes.Hash("support-bot"u8, "evt-1"u8), scopes.Hash("support-bot"u8, "evt-1"u8));
        Assert.NotEqual(scopes.Hash("support-bot"u8, "evt-1"u8), scopes.Hash("support-bot"u8, "evt-2"u8));
        Assert.NotEqual(scopes.Hash("ab"u8, "c"u8), scopes.Hash("a"u8, "bc"u8));
        // Scopes longer than the stack buffer take the pooled path and hash the same way.
        var longId = new byte[1000];
        Array.Fill(longId, (byte)'x');
        Assert.Equal(scopes.Hash("svc"u8, longId), scopes.Hash("svc"u8, longId));
    }

    [Fact]
    public void EachRunHasItsOwnKey()
    {
        Assert.NotEqual(new ScopeHasher().Hash("support-bot"u8, "evt-1"u8), new ScopeHasher().Hash("support-bot"u8, "evt-1"u8));
    }
}
