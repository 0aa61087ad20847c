using System.Text.Json.Nodes;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Evidence;

/// <summary>`evidence export` and `verify-pack` as operators and auditors run them: separate processes, exit codes, both output streams.</summary>
public sealed class EvidenceCommandTests
{
    [Fact]
    public async Task AnOperatorExportsAPackThatVerifyPackPassesAndATamperedCopyFails()
    {
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Sqlite);
        var pack = Path.Combine(ledger.Folder, "alice.zip");
        var key = ledger.VerifierKey().ToString();

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "evidence", "export", "--out", pack, "--actor", "alice", "--no-content");
        Assert.True(exit == 0, stderr);
        Assert.Equal(Path.GetFullPath(pack), stdout.Trim());
        Assert.Contains("30 events", stderr);
        Assert.Contains("0 contents disclosed", stderr);

        (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", pack, "--key", key);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("pack intact: ", stdout);
        Assert.Contains("entries=30", stdout);
        Assert.DoesNotContain("verifier-key.txt", stderr);

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", pack);
        Assert.True(exit == 0, stderr);
        Assert.Contains("no --key given, so the pack's own verifier-key.txt", stderr);

        var tampered = new PackTamperer(pack).DropLine(EvidencePackFormat.Entries, 7).Save(ledger.Folder);
        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", tampered, "--key", key);
        Assert.Equal(1, exit);
        Assert.StartsWith("FAILED: entries.jsonl: its SHA-256", stderr.Trim());

        // The export is an access event in the operator's name, made through the CLI.
        await using var db = ledger.OpenContext();
        var envelope = await db.Entries.AsNoTracking().Where(e => e.Type == EventTypes.Access).Select(e => e.Envelope).SingleAsync(TestContext.Current.CancellationToken);
        var access = JsonNode.Parse(envelope)!;
        Assert.Equal($"cli:{Environment.UserName}", (string)access["actor"]!["id"]!);
        Assert.Equal(("evidence.export", "cli", "alice", "30"),
            ((string)access["attributes"]!["action"]!, (string)access["attributes"]!["via"]!, (string)access["attributes"]!["filter.actor"]!,
             (string)access["attributes"]!["events"]!));
    }

    [Fact]
    public async Task BothVerbsHaveHelpAndRefuseWhatTheyCannotRun()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var notAZip = Path.Combine(ledger.Folder, "not-a-pack.zip");
        await File.WriteAllTextAsync(notAZip, "hello", TestContext.Current.CancellationToken);

        var (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", "--help");
        Assert.Equal((0, true), (exit, stderr.Contains("AuditPortal verify-pack <FILE> [options]")));
        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "evidence", "export", "--help");
        Assert.Equal((0, true), (exit, stderr.Contains("AuditPortal evidence export [options]")));

        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", Path.Combine(ledger.Folder, "missing.zip"));
        Assert.Equal(2, exit);
        Assert.StartsWith("error: cannot read", stderr.Trim());
        (exit, _, _) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", notAZip);
        Assert.Equal(2, exit);
        (exit, _, _) = await PortalProcess.RunVerbAsync(ledger, "verify-pack", notAZip, "--colour", "blue");
        Assert.Equal(2, exit);
        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "evidence", "export", "--out", "x.zip", "--colour", "blue");
        Assert.Equal((2, true), (exit, stderr.Contains("error: Unrecognized command or argument '--colour'")));
        (exit, _, stderr) = await PortalProcess.RunVerbAsync(ledger, "evidence", "export", "--out", "x.zip", "--promptVersion", "3");
        Assert.Equal((2, true), (exit, stderr.Contains("error: --promptVersion needs prompt")));
        Assert.False(File.Exists(Path.Combine(ledger.Folder, "x.zip")));
    }
}
