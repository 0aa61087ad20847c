using System.Net;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// Tree nodes lost from the end of tree_nodes (the right edge every append starts from) used to leave
/// every POST at 503 for good. At start-up the portal rebuilds them from the leaves when the last seal
/// vouches for the result, and otherwise refuses to start, naming `verify`.
/// </summary>
public abstract class LostTreeNodeTests(LedgerProvider provider)
{
    private const string DeleteLastTwoNodes =
        "DELETE FROM tree_nodes WHERE node_key IN (SELECT node_key FROM tree_nodes ORDER BY node_key DESC LIMIT 2)";

    [Fact]
    public async Task LostRightEdgeNodesAreRebuiltAtStartAndAppendsWork()
    {
        await using var ledger = await FilledLedger.CreateAsync(provider);
        var attacker = new Attacker(ledger);
        await attacker.DisableTriggersAsync();
        var nodes = await ledger.ScalarAsync("SELECT COUNT(*) FROM tree_nodes");
        Assert.Equal(2, await attacker.ExecuteAsync(DeleteLastTwoNodes));

        await using (var portal = new PortalFactory(ledger))
        {
            var ingest = await portal.ClientWithKeyAsync("after-loss", "ingest");
            var response = await ingest.PostAsync("/api/v1/events", Events.Batch([Events.LlmCall("after-node-loss")]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(await ledger.ScalarAsync("SELECT COUNT(*) FROM tree_nodes") >= nodes);
        var result = await ledger.VerifyAsync();
        Assert.True(result.Intact, result.FirstFailure?.ToString());
    }

    [Fact]
    public async Task LostNodesOverEditedLeavesAreNotRebuiltAndTheStartIsRefusedNamingVerify()
    {
        await using var ledger = await FilledLedger.CreateAsync(provider);
        var attacker = new Attacker(ledger);
        await attacker.DisableTriggersAsync();
        await attacker.ExecuteAsync(DeleteLastTwoNodes);
        // A leaf under the lost nodes changed too: rebuilding would bless it.
        await attacker.WriteAsync("ledger_entries", "leaf_hash", FilledLedger.Size - 2, new byte[32]);
        var nodes = await ledger.ScalarAsync("SELECT COUNT(*) FROM tree_nodes");

        await using var portal = new PortalFactory(ledger);
        var refused = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("run `verify`", Flatten(refused));
        Assert.Equal(nodes, await ledger.ScalarAsync("SELECT COUNT(*) FROM tree_nodes"));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " " + Flatten(e.InnerException);
}

[Collection("sqlite")]
public sealed class SqliteLostTreeNodeTests() : LostTreeNodeTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresLostTreeNodeTests() : LostTreeNodeTests(LedgerProvider.Postgres);
