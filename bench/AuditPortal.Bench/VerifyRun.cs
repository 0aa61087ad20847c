using System.Data;
using System.Diagnostics;
using System.Security.Cryptography;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;

namespace AuditPortal.Bench;

/// <summary>
/// LedgerVerifier in-process over the ledger the portal filled, trusting only the public half of
/// the portal's key file and the anchor directory; beside it, the floor any verifier pays: read every
/// stored envelope and content once and SHA-256 each.
/// </summary>
public static class VerifyRun
{
    public static async Task<VerifyResult> VerifierAsync(BenchProvider provider, string connectionString, string keyFile, string anchorsDirectory)
    {
        using var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(keyFile));
        var verifier = new LedgerVerifier([signer.Verifier], new AnchorDirectory(anchorsDirectory));
        var cpu = CpuSampler.Start();
        var gc = GcSampler.Start();
        var clock = Stopwatch.StartNew();
        await using var db = LedgerDatabase.Open(provider == BenchProvider.Sqlite ? LedgerProvider.Sqlite : LedgerProvider.Postgres, connectionString);
        var result = await verifier.VerifyAsync(db);
        clock.Stop();
        return new VerifyResult(result.Entries, clock.Elapsed, cpu.Stop(), result.Intact ? result.Summary() : $"{result.Summary()}: {result.FirstFailure}", result.Intact)
        {
            Gc = gc.Stop(),
        };
    }

    public static async Task<VerifyResult> PlainHashAsync(BenchProvider provider, string connectionString)
    {
        var cpu = CpuSampler.Start();
        var clock = Stopwatch.StartNew();
        await using var connection = RowShape.Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.envelope, c.content FROM ledger_entries e JOIN ledger_contents c ON c.sequence = e.sequence ORDER BY e.sequence
            """;
        long rows = 0;
        var hash = new byte[32];
        byte check = 0;
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess))
        {
            while (await reader.ReadAsync())
            {
                SHA256.HashData(reader.GetFieldValue<byte[]>(0), hash);
                check ^= hash[0];
                SHA256.HashData(reader.GetFieldValue<byte[]>(1), hash);
                check ^= hash[0];
                rows++;
            }
        }
        clock.Stop();
        return new VerifyResult(rows, clock.Elapsed, cpu.Stop(), $"rows={rows} xor={check:x2}", true);
    }
}

public sealed record VerifyResult(long Entries, TimeSpan Elapsed, CpuUse Cpu, string Summary, bool Ok)
{
    /// <summary>The collector's work during the run (the verifier's runs only).</summary>
    public GcUse? Gc { get; init; }

    public double EntriesPerSecond => Entries / Elapsed.TotalSeconds;
}
