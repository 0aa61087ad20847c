using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The verifier's second PostgreSQL connection reads the run's snapshot: a row committed after the
/// run's snapshot was taken, and before the sibling was opened, is invisible to both.
/// </summary>
public sealed class SnapshotSiblingsTests
{
    [Fact]
    public async Task ASiblingSeesTheRunsSnapshotNotWhatCommittedSince()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Postgres, ct);
        await ledger.ExecuteAsync("CREATE TABLE probe (n integer)");
        await using var db = ledger.OpenContext();
        await using var snapshot = await LedgerSnapshot.BeginAsync(db, ct);
        Assert.Equal(0, await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM probe").SingleAsync(ct));

        await ledger.ExecuteAsync("INSERT INTO probe VALUES (1)");
        await using var siblings = await SnapshotSiblings.OpenAsync(db, 1, ct);

        var (connection, transaction) = Assert.Single(siblings.Connections);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM probe", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        Assert.Equal(0L, await count.ExecuteScalarAsync(ct));
        Assert.Equal(1L, await ledger.ScalarAsync("SELECT count(*) FROM probe"));
    }

    /// <summary>
    /// No room for a second connection (here a pool of one, which the run's own connection fills): the
    /// sibling is not used, and verify reads on one connection and still gives its answer.
    /// </summary>
    [Fact]
    public async Task WithoutRoomForASecondConnectionVerifyReadsOnOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await FilledLedger.CreateAsync(LedgerProvider.Postgres);
        var poolOfOne = new NpgsqlConnectionStringBuilder(ledger.ConnectionString) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString;
        var verifier = new LedgerVerifier([ledger.VerifierKey()], new AnchorDirectory(ledger.AnchorDirectory), ledger.Origin);

        await using (var db = LedgerDatabase.Open(LedgerProvider.Postgres, poolOfOne))
        await using (await LedgerSnapshot.BeginAsync(db, ct))
        await using (var siblings = await SnapshotSiblings.OpenAsync(db, 1, ct))
            Assert.Empty(siblings.Connections);

        await using var verified = LedgerDatabase.Open(LedgerProvider.Postgres, poolOfOne);
        var result = await verifier.VerifyAsync(verified, ct);
        Assert.True(result.Intact, result.FirstFailure?.ToString());
        Assert.Equal(FilledLedger.Size, result.Entries);
    }

    [Fact]
    public async Task SqliteHasNone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(LedgerProvider.Sqlite, ct);
        await using var db = ledger.OpenContext();
        await using var snapshot = await LedgerSnapshot.BeginAsync(db, ct);

        await using var siblings = await SnapshotSiblings.OpenAsync(db, 1, ct);

        Assert.Empty(siblings.Connections);
    }
}
