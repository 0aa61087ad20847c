using AuditPortal.Data.Ledger;
using AuditPortal.Ledger.Writing;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The writer's group commit under load: what queued while the writer waited for its turn (the search
/// indexer's or the WAL checkpoint's turn, on SQLite) is appended in the writer's next transaction, with
/// one commit and one seal, instead of one transaction for the request that happened to be first.
/// </summary>
[Collection("sqlite")]
public sealed class GroupCommitTests
{
    [Fact]
    public async Task RequestsThatQueueWhileTheWriterWaitsForItsTurnShareOneTransaction()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger, TimeSpan.FromHours(1));
        var recorder = portal.Services.GetRequiredService<PortalEventRecorder>();
        var gate = portal.Services.GetRequiredService<AppendGate>();
        var actor = new ActorRef("group.commit@example.com", ActorKinds.User);
        Task Record(int i) => recorder.RecordAsync(EventTypes.Access, actor, new JsonObject { ["request"] = i }, ct);
        await Record(0);
        var before = await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");

        Task[] appends;
        using (await gate.EnterAsync(ct))
        {
            // The first request reaches the writer alone, and the writer waits for the turn…
            var first = Record(1);
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            // …while four more queue behind it.
            appends = [first, .. Enumerable.Range(2, 4).Select(Record)];
        }
        await Task.WhenAll(appends);

        Assert.Equal(before + 5, await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals"));
        Assert.Equal(1, await ledger.ScalarAsync($"SELECT COUNT(*) FROM ledger_seals WHERE tree_size > {before}"));
    }
}
