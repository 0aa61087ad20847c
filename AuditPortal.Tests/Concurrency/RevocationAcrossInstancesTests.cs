using System.Net;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Concurrency;

/// <summary>
/// `apikey revoke` run by an operator while two portal instances serve the key from one database:
/// both refuse it on the very next request, and the revocation is a config.changed event.
/// </summary>
public abstract class RevocationAcrossInstancesTests(LedgerProvider provider)
{
    [Fact]
    public async Task ARevokedKeyStopsWorkingAtOnceOnEveryInstance()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var first = new PortalFactory(ledger);
        await using var second = new PortalFactory(ledger);
        using var viaFirst = await first.ClientWithKeyAsync("dashboard-reader", ApiKeyScopes.Read);
        using var viaSecond = second.CreateClient();
        viaSecond.DefaultRequestHeaders.Authorization = viaFirst.DefaultRequestHeaders.Authorization;
        foreach (var client in new[] { viaFirst, viaSecond })
        {
            using var response = await client.GetAsync("/api/v1/events?limit=1", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (exit, stdout, stderr) = await PortalProcess.RunVerbAsync(ledger, "apikey", "revoke", "--name", "dashboard-reader");

        Assert.True(exit == 0, stderr);
        Assert.Equal("", stdout);
        foreach (var client in new[] { viaFirst, viaSecond })
        {
            using var response = await client.GetAsync("/api/v1/events?limit=1", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(1, await ledger.ScalarAsync(
            "SELECT COUNT(*) FROM ledger_entries WHERE type = 'config.changed' AND search_text LIKE '%apikey.revoked%dashboard-reader%'"));
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
    }
}

[Collection("postgres")]
public sealed class PostgresRevocationAcrossInstancesTests() : RevocationAcrossInstancesTests(LedgerProvider.Postgres);

public sealed class SqliteRevocationAcrossInstancesTests() : RevocationAcrossInstancesTests(LedgerProvider.Sqlite);
