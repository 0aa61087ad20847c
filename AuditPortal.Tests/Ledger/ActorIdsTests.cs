using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Ledger;

/// <summary>One normal form for actor ids (docs/api.md), under the app's InvariantGlobalization.</summary>
public class ActorIdsTests
{
    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("  Alice@Example.COM\u00a0", "alice@example.com")]
    [InlineData("ame\u0301lie@example.com", "am\u00e9lie@example.com")]
    [InlineData("AME\u0301LIE@EXAMPLE.COM", "am\u00e9lie@example.com")]
    [InlineData("Ame\u0301lie", "Am\u00e9lie")]
    [InlineData("svc-Billing", "svc-Billing")]
    [InlineData("Alice Moreau", "Alice Moreau")]
    [InlineData("a@b@c", "a@b@c")]
    [InlineData("Team @ Ops", "Team @ Ops")]
    public void IdsAreTrimmedComposedAndLowerCasedOnlyWhenEmailLike(string raw, string expected)
    {
        Assert.True(ActorIds.TryNormalize(raw, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.True(ActorIds.TryNormalize(normalized, out var again, out _));
        Assert.Equal(normalized, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\u00a0 ")]
    [InlineData("alice\u202e@example.com")] // right-to-left override
    [InlineData("alice\u2066@example.com")] // left-to-right isolate
    [InlineData("al\u200bice@example.com")] // zero-width space
    [InlineData("al\u200dice")] // zero-width joiner
    [InlineData("\ufeffalice")] // byte-order mark
    [InlineData("alice\u2028bob")] // line separator
    [InlineData("alice\u0000")]
    public void BlankAndDisguisingIdsAreRefused(string raw)
    {
        Assert.False(ActorIds.TryNormalize(raw, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void AnIdLongerThanTheColumnAfterCompositionIsRefused()
    {
        // U+0958 has no composed form: NFC decomposes it into two code units.
        var raw = new string('\u0958', FieldLimits.ActorId / 2 + 1);
        Assert.False(ActorIds.TryNormalize(raw, out _, out var error));
        Assert.Contains("at most", error);
    }
}
