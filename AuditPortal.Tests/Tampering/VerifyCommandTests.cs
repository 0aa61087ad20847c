using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>The `verify` verb as operators run it: a separate process, its exit code and its two output streams.</summary>
public sealed class VerifyCommandTests
{
    [Fact]
    public async Task VerifyPrintsASummaryAndExitsZeroForAnIntactLedger()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify");

        Assert.True(exit == 0, stderr);
        Assert.Equal($"entries={FilledLedger.Size}", stdout.Split(' ')[0]);
        Assert.EndsWith("result=intact", stdout.Trim());
    }

    [Fact]
    public async Task VerifyExitsOneAndNamesTheFirstBadSequenceOnStandardError()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var attacker = new Attacker(ledger);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(18, "\"bob\"", "\"eve\"", rehash: true);

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify");

        Assert.Equal(1, exit);
        Assert.Contains("result=TAMPERED", stdout);
        Assert.Contains("first bad sequence 18", stderr);
        Assert.Contains("SealMismatch", stderr);
    }

    [Fact]
    public async Task DeletedAnchorFilesWarnWithExitZeroAndFailWithRequireAnchors()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify", "--require-anchors");
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("warning", stderr);

        foreach (var file in Directory.GetFiles(ledger.AnchorDirectory, "checkpoint-*.txt")) File.Delete(file);

        (exit, var stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify");
        Assert.True(exit == 0, stderr);
        Assert.EndsWith("result=intact", stdout.Trim());
        var warning = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("no anchor file", warning);

        (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify", "--require-anchors");
        Assert.Equal(1, exit);
        Assert.Contains("result=TAMPERED", stdout);
        Assert.Contains("MissingAnchor", stderr);
    }

    [Fact]
    public async Task VerifyOfALedgerThisVersionHasNotMigratedExitsTwoAndSaysToMigrate()
    {
        // A ledger from before the text search seals: an upgrade step, not tampering.
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        await ledger.ExecuteAsync("DROP TABLE ledger_search_seals");
        await ledger.ExecuteAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE migration_id LIKE '%_SearchIndexSeals'");

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("1 migration(s) this version has not applied", stderr);
        Assert.Contains("SearchIndexSeals", stderr);
        Assert.Contains("run `migrate`", stderr);
        Assert.Equal(0, await ledger.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'ledger_search_seals'"));
    }

    [Fact]
    public async Task VerifyAcceptsThePublishedVerifierKeyAndExitsTwoWhenItCannotRun()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var key = ledger.VerifierKey().ToString();
        File.Delete(ledger.KeyFile);

        var (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify", "--key", key);
        Assert.True(exit == 0, stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify");
        Assert.Equal(2, exit);
        Assert.Contains("no verifier key", stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify", "--key", "not-a-key");
        Assert.Equal(2, exit);
    }
}
