using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// A start the portal refuses, as an operator sees it from a shell: one line <c>error: problem; fix</c>
/// on standard error, exit code 2, no stack trace and no abort (SIGABRT would be 134).
/// </summary>
public sealed class RefusedStartTests
{
    public enum Refusal { DevelopmentSignInInProduction, MissingSigningKey, AnchorsAheadOfTheDatabase, UnbindableSetting, InvalidSetting }

    [Theory]
    [InlineData(Refusal.DevelopmentSignInInProduction, "refused outside the Development environment")]
    [InlineData(Refusal.MissingSigningKey, "restore the key file")]
    [InlineData(Refusal.AnchorsAheadOfTheDatabase, "run `verify`")]
    [InlineData(Refusal.UnbindableSetting, "AuditPortal:Checkpoints:Interval")]
    [InlineData(Refusal.InvalidSetting, "AuditPortal:Database:Provider is \"Oracle\"")]
    public async Task ARefusedStartPrintsOneLineAndExitsTwo(Refusal refusal, string expected)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        // A ledger with entries, a key and an anchored checkpoint, as an operator's would be.
        var (created, _, createError) = await PortalProcess.RunVerbAsync(ledger, "apikey", "create", "--name", "refusal-bot", "--scope", "ingest");
        Assert.True(created == 0, createError);

        var portal = PortalProcess.For(ledger);
        switch (refusal)
        {
            case Refusal.DevelopmentSignInInProduction:
                portal.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
                portal.Environment["DOTNET_ENVIRONMENT"] = "Production";
                portal.Environment["AuditPortal__Authentication__Mode"] = "Development";
                break;
            case Refusal.MissingSigningKey:
                File.Delete(ledger.KeyFile);
                break;
            case Refusal.AnchorsAheadOfTheDatabase:
                var anchor = new AnchorDirectory(ledger.AnchorDirectory).ReadAll().Last();
                File.Copy(anchor.File, Path.Combine(ledger.AnchorDirectory, AnchorDirectory.FileName(anchor.TreeSize + 100)));
                break;
            case Refusal.UnbindableSetting:
                portal.Environment["AuditPortal__Checkpoints__Interval"] = "every now and then";
                break;
            case Refusal.InvalidSetting:
                portal.Environment["AuditPortal__Database__Provider"] = "Oracle";
                break;
        }

        var (exitCode, stdout, stderr) = await portal.RunAsync("--urls", "http://127.0.0.1:0");

        Assert.True(exitCode == 2, $"exit code {exitCode}; stderr: {stderr}; stdout: {stdout}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("; ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Unhandled exception", stdout + stderr);
    }
}
