using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>`apikey list` and `apikey revoke` as operators run them: a separate process, exit codes and both output streams.</summary>
public sealed class ApiKeyCommandTests
{
    [Fact]
    public async Task ListShowsEachKeyWithoutItsSecretAndRevokeMarksIt()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var (exit, ingestKey, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "create", "--name", "support-bot", "--scope", "ingest");
        Assert.True(exit == 0, stderr);
        (exit, var readKey, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "create", "--name", "auditor", "--scope", "read");
        Assert.True(exit == 0, stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "revoke", "--name", "support-bot");
        Assert.True(exit == 0, stderr);
        (exit, var listed, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "list");

        Assert.True(exit == 0, stderr);
        var lines = listed.Trim().Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.Equal(["name", "scope", "prefix", "created", "created_by", "revoked", "ledger"], lines[0]);
        var bot = Assert.Single(lines, l => l[0] == "support-bot");
        var auditor = Assert.Single(lines, l => l[0] == "auditor");
        Assert.Equal(("ingest", ingestKey.Trim()[..10]), (bot[1], bot[2]));
        Assert.Equal(("read", readKey.Trim()[..10]), (auditor[1], auditor[2]));
        Assert.StartsWith("cli:", bot[4]);
        Assert.NotEqual("-", bot[5]);
        Assert.Equal("-", auditor[5]);
        Assert.All(lines.Skip(1), l => Assert.Equal("ok", l[6]));
        Assert.DoesNotContain(ingestKey.Trim()[10..], listed);
        Assert.DoesNotContain(readKey.Trim()[10..], listed);
    }

    [Fact]
    public async Task ListFlagsARowTheLedgerDoesNotExplainAndRevokeRefusesUnknownNames()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "create", "--name", "support-bot", "--scope", "read");
        Assert.True(exit == 0, stderr);
        await ledger.ExecuteAsync("UPDATE api_keys SET scope = 'ingest'");

        (exit, var listed, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "list");
        Assert.Equal(1, exit);
        Assert.Contains("NOT EXPLAINED: scope is \"ingest\" but the ledger created the key with \"read\"", listed);
        Assert.Contains("Run `verify`", stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "revoke", "--name", "nobody");
        Assert.Equal(2, exit);
        Assert.Contains("no active API key named \"nobody\"", stderr);
        (exit, _, _) = await PortalProcess.RunVerbAsync(ledger, "apikey", "revoke");
        Assert.Equal(2, exit);
        (exit, _, _) = await PortalProcess.RunVerbAsync(ledger, "apikey", "list", "--secret");
        Assert.Equal(2, exit);
    }
}
