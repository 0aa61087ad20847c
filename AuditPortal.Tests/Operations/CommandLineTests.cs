using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// DESIGN.md §5: every verb has --help (exit 0, on standard error, nothing on standard output), and a
/// usage error exits 2 naming what was wrong, with the verb's help, before anything is run.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("migrate", "--help")]
    [InlineData("apikey", "--help")]
    [InlineData("apikey", "create", "--help")]
    [InlineData("apikey", "list", "--help")]
    [InlineData("apikey", "revoke", "--help")]
    [InlineData("verify", "--help")]
    [InlineData("verify-pack", "--help")]
    [InlineData("evidence", "--help")]
    [InlineData("evidence", "export", "--help")]
    [InlineData("seed-demo", "--help")]
    public async Task EveryVerbHasHelp(params string[] args)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var verb = string.Join(' ', args.TakeWhile(a => a is not ("--help" or "help")));

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, args);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.Contains("Usage:", stderr);
        Assert.Contains($"AuditPortal {verb}".TrimEnd(), stderr);
    }

    [Theory]
    [InlineData("migrate", "now")]
    [InlineData("apikey")]
    [InlineData("apikey", "create", "--scope", "read")]
    [InlineData("apikey", "create", "--name", "bot", "--scope", "write")]
    [InlineData("apikey", "list", "--secret")]
    [InlineData("verify", "--colour", "blue")]
    [InlineData("verify-pack")]
    [InlineData("evidence", "export", "--actor", "alice")]
    [InlineData("seed-demo", "--events")]
    public async Task AUsageErrorExitsTwoAndNamesIt(params string[] args)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, args);

        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("Usage:", stderr);
        Assert.Contains("AuditPortal " + args[0], stderr);
    }
}
