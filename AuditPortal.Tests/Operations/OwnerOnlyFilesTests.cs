using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace AuditPortal.Tests.Operations;

/// <summary>The database, its write-ahead log and shared memory, and the folders the portal creates are owner-only, like the signing key.</summary>
[Collection("sqlite")]
public sealed class OwnerOnlyFilesTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerReadWrite | UnixFileMode.UserExecute;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheDatabaseItsWalAndShmAndTheDataFoldersAreCreatedOwnerOnly()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var dataFolder = Path.Combine(ledger.Folder, "data");
        var database = Path.Combine(dataFolder, "auditportal.db");
        var keyFolder = Path.Combine(ledger.Folder, "keys");
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b =>
        {
            b.UseSetting("AuditPortal:Database:ConnectionString", $"Data Source={database}");
            b.UseSetting("AuditPortal:Signing:KeyFile", Path.Combine(keyFolder, "signing.key"));
        });

        // An append while the portal runs: the -wal and -shm files exist now.
        var ingest = await portal.ClientWithKeyAsync("modes-bot", "ingest");
        await Events.PostAsync(ingest, Events.LlmCall("modes-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(dataFolder));
        Assert.Equal(OwnerFolder, File.GetUnixFileMode(keyFolder));
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            Assert.True(File.Exists(file), $"{file} should exist while the portal runs");
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        }
    }
}
