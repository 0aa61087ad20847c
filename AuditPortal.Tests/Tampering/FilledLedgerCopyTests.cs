using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// Tamper tests share one filled ledger per provider and each gets a copy: a copy must be the whole
/// ledger (it verifies, anchors and key included) and its own (tampering one leaves the others intact).
/// </summary>
public abstract class FilledLedgerCopyTests(LedgerProvider provider)
{
    [Fact]
    public async Task EachCopyIsTheWholeLedgerAndItsOwn()
    {
        await using var tampered = await FilledLedger.CreateAsync(provider);
        await using var untouched = await FilledLedger.CreateAsync(provider);
        Assert.NotEqual(tampered.ConnectionString, untouched.ConnectionString);

        var before = await tampered.VerifyAsync(requireAnchors: true);
        Assert.True(before.Intact, before.FirstFailure?.ToString());
        Assert.Equal(FilledLedger.Size, before.Entries);
        Assert.True(before.AnchoredCheckpoints > 0, "the anchors came with the copy");
        Assert.False(string.IsNullOrEmpty(FilledLedger.IngestKey(tampered)));

        var attacker = new Attacker(tampered);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(18, "\"bob\"", "\"eve\"", rehash: true);

        Assert.False((await tampered.VerifyAsync()).Intact);
        var other = await untouched.VerifyAsync(requireAnchors: true);
        Assert.True(other.Intact, other.FirstFailure?.ToString());
        await using var third = await FilledLedger.CreateAsync(provider);
        Assert.True((await third.VerifyAsync()).Intact, "the template itself was not touched");
    }
}

public sealed class SqliteFilledLedgerCopyTests() : FilledLedgerCopyTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresFilledLedgerCopyTests() : FilledLedgerCopyTests(LedgerProvider.Postgres);
