using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuditPortal.Redaction;

namespace AuditPortal.Tests.Redaction;

/// <summary>Keep counts without touching, Mask replaces, Hash replaces with a keyed hash that links equal values.</summary>
public sealed class ContentRedactorTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static ContentRedactor With(string detector, string action, byte[]? key = null) =>
        new(RedactionPlan.From(new Dictionary<string, string> { [detector] = action }, () => key ?? Key));

    [Fact]
    public void EveryStringInTheContentIsRedactedAtAnyDepthButKeysAreNot()
    {
        var content = new JsonObject
        {
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "I am jane@example.com" }),
            ["parameters"] = new JsonObject { ["jane@example.com"] = "reply-to jane@example.com" },
            ["error"] = "bounced: jane@example.com",
        };

        var fired = With("email", "Mask").Redact(content);

        Assert.Equal(new Dictionary<string, int> { ["email"] = 3 }, fired);
        Assert.Equal("""{"input":[{"role":"user","content":"I am [redacted:email]"}],"parameters":{"jane@example.com":"reply-to [redacted:email]"},"error":"bounced: [redacted:email]"}""",
            content.ToJsonString());
    }

    [Fact]
    public void KeepCountsButChangesNothing()
    {
        var content = new JsonObject { ["error"] = "card 4111 1111 1111 1111" };
        Assert.Equal(new Dictionary<string, int> { ["card"] = 1 }, With("card", "Keep").Redact(content));
        Assert.Equal("card 4111 1111 1111 1111", (string)content["error"]!);
    }

    [Fact]
    public void HashLinksOneValueWrittenTwoWaysAndNothingElse()
    {
        var redactor = With("iban", "Hash");
        var fired = new Dictionary<string, int>();
        var spaced = redactor.RedactText("DE89 3704 0044 0532 0130 00", fired);
        var compact = redactor.RedactText("DE89370400440532013000", fired);
        var other = redactor.RedactText("GB82WEST12345698765432", fired);

        Assert.Matches("^\\[iban:[0-9a-f]{16}\\]$", spaced);
        Assert.Equal(spaced, compact);
        Assert.NotEqual(spaced, other);
        // Another key gives other hashes: without the key a hash cannot be tested against a guess.
        Assert.NotEqual(spaced, With("iban", "Hash", RandomNumberGenerator.GetBytes(32)).RedactText("DE89370400440532013000", fired));
    }

    [Fact]
    public void NoDetectorsConfiguredLeavesContentAsSent()
    {
        var content = new JsonObject { ["error"] = "jane@example.com 4111111111111111" };
        Assert.Empty(new ContentRedactor(RedactionPlan.None).Redact(content));
        Assert.Equal("jane@example.com 4111111111111111", (string)content["error"]!);
    }
}
