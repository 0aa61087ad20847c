using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;
using AuditPortal.Tests.Infrastructure;
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
