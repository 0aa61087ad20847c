using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Verification;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// A caller that gives up (the portal shutting down, a closed integrity page) ends a verify run with
/// an <see cref="OperationCanceledException"/>, whatever the reading stage was doing: on PostgreSQL
/// it reads synchronously, and the token cancels the statement in flight.
/// </summary>
public abstract class VerifyCancellationTests(LedgerProvider provider)
{
    [Fact]
    public async Task AGivenUpRunEndsCancelledAndLeavesTheLedgerVerifiable()
    {
        var (ledger, signer) = await LargeLedgerVerificationTests.CreateAsync(provider);
        await using var disposeLedger = ledger;
        using var disposeSigner = signer;
        var verifier = new LedgerVerifier([signer.Verifier], new AnchorDirectory(ledger.AnchorDirectory));
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        await using (var db = ledger.OpenContext())
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                verifier.VerifyAsync(db, giveUp.Token, new CancelOnFirstReport(giveUp)));

        Assert.True(giveUp.IsCancellationRequested);
        await using (var db = ledger.OpenContext())
        {
            var result = await verifier.VerifyAsync(db, TestContext.Current.CancellationToken);
            Assert.True(result.Intact, result.FirstFailure?.ToString());
            Assert.Equal(LargeLedgerVerificationTests.Entries, result.Entries);
        }
    }

    /// <summary>Gives up once the first chunk is checked, while the next ones are being read.</summary>
    private sealed class CancelOnFirstReport(CancellationTokenSource source) : IProgress<long>
    {
        public void Report(long value) => source.Cancel();
    }
}

public sealed class SqliteVerifyCancellationTests() : VerifyCancellationTests(LedgerProvider.Sqlite);

public sealed class PostgresVerifyCancellationTests() : VerifyCancellationTests(LedgerProvider.Postgres);
