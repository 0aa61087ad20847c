using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>One running portal with an ingest and a read client, shared by the tests of one class.</summary>
public abstract class PortalFixture(LedgerProvider provider) : IAsyncLifetime
{
    public TestLedger Ledger { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;
    public HttpClient Ingest { get; private set; } = null!;
    public HttpClient Reader { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await TestLedger.CreateAsync(provider);
        Portal = new PortalFactory(Ledger);
        Ingest = await Portal.ClientWithKeyAsync("support-bot", ApiKeyScopes.Ingest);
        Reader = await Portal.ClientWithKeyAsync("auditor", ApiKeyScopes.Read);
    }

    public async ValueTask DisposeAsync()
    {
        if (Portal is not null) await Portal.DisposeAsync();
        if (Ledger is not null) await Ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqlitePortalFixture() : PortalFixture(LedgerProvider.Sqlite);

public sealed class PostgresPortalFixture() : PortalFixture(LedgerProvider.Postgres);
