using AuditPortal.Redaction;


namespace AuditPortal.Tests.Redaction;

/// <summary>Each detector finds what it is for, written the ways people write it, and leaves look-alikes alone.</summary>
public sealed class PiiDetectorsTests
{
    private static readonly ContentRedactor MaskAll = new(RedactionPlan.From(
        PiiDetectors.Names.ToDictionary(n => n, _ => "Mask"), () => throw new InvalidOperationException("no detector hashes")));

    private static (string Text, IDictionary<string, int> Fired) Mask(string text)
    {
        var fired = new SortedDictionary<string, int>(StringComparer.Ordinal);
        return (MaskAll.RedactText(text, fired), fired);
    }

    [Theory]
    [InlineData("Mail me at Jane.Doe+claims@mail.example.co.uk today", "Mail me at [redacted:email] today", "email")]
    [InlineData("Card 4111 1111 1111 1111, exp 12/29", "Card [redacted:card], exp 12/29", "card")]
    [InlineData("Card 5500-0000-0000-0004.", "Card [redacted:card].", "card")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [redacted:iban] please", "iban")]
    [InlineData("pay to GB82WEST12345698765432", "pay to [redacted:iban]", "iban")]
    [InlineData("Call +44 20 7946 0958 now", "Call [redacted:phone] now", "phone")]
    [InlineData("Call (555) 123-4567", "Call [redacted:phone]", "phone")]
    [InlineData("key sk-proj-AbCdEf0123456789AbCdEf0123", "key [redacted:secret]", "secret")]
    [InlineData("aws AKIAIOSFODNN7EXAMPLE here", "aws [redacted:secret] here", "secret")]
    [InlineData("token ghp_0123456789abcdefghijABCDEFGHIJ0123456789", "token [redacted:secret]", "secret")]
    [InlineData("random Zx8Qw2Lp9Rt4Vb7Nm3Kd6Hs1Jf5Gc0Ya2", "random [redacted:secret]", "secret")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY----- done", "[redacted:secret] done", "secret")]
    public void FindsAndMasks(string text, string masked, string detector)
    {
        var (result, fired) = Mask(text);
        Assert.Equal(masked, result);
        Assert.Equal(new Dictionary<string, int> { [detector] = 1 }, fired);
    }

    [Theory]
    [InlineData("Card 4111 1111 1111 1112 fails Luhn")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 01 fails mod 97")]
    [InlineData("Claim filed 2026-12-03 10:41 under policy 12345678")]
    [InlineData("Order 20261203104100 shipped")]
    [InlineData("Trace 4bf92f3577b34da6a3ce929d0e0e4736 and id 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("The customer asked about windscreen cover for a 2019 car.")]
    public void LeavesLookAlikesAlone(string text)
    {
        var (result, fired) = Mask(text);
        Assert.Equal(text, result);
        Assert.Empty(fired);
    }

    [Fact]
    public void CountsEveryFindingAndRunsSecretsBeforePhoneNumbers()
    {
        var (result, fired) = Mask("a@example.com, b@example.com, 4111111111111111 and +1 212 555 0100");
        Assert.Equal("[redacted:email], [redacted:email], [redacted:card] and [redacted:phone]", result);
        Assert.Equal(new Dictionary<string, int> { ["card"] = 1, ["email"] = 2, ["phone"] = 1 }, fired);
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398713", true)]
    public void LuhnChecksTheCheckDigit(string digits, bool valid) => Assert.Equal(valid, Luhn.IsValid(digits));

    [Theory]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("GB82WEST12345698765433", false)]
    [InlineData("DE8937040044", false)]
    public void IbanChecksMod97(string iban, bool valid) => Assert.Equal(valid, IbanChecksum.IsValid(iban));
}
