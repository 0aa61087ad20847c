using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Redaction;

/// <summary>
/// With detectors configured, personal data never reaches the database: the committed content holds
/// the replacements, the signed envelope says which detectors fired and how often, and the ledger verifies.
/// </summary>
public sealed class RedactionAtIngestionTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task ContentIsRedactedBeforeItIsCommittedAndTheEnvelopeCountsWhatFired(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        var keyFile = Path.Combine(ledger.Folder, "redaction.key");
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b =>
        {
            b.UseSetting("AuditPortal:Redaction:Detectors:email", "Hash");
            b.UseSetting("AuditPortal:Redaction:Detectors:card", "Mask");
            b.UseSetting("AuditPortal:Redaction:Detectors:phone", "Keep");
            b.UseSetting("AuditPortal:Redaction:KeyFile", keyFile);
        });
        using var client = portal.CreateClient();
        var key = await portal.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync("pii-bot", ApiKeyScopes.Ingest, new ActorRef("test-admin", ActorKinds.User), CancellationToken.None);
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);

        var call = Events.LlmCall("pii-1", text: "I am jane@example.com, card 4111 1111 1111 1111, call +44 20 7946 0958");
        call["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Thanks, JANE@example.com." });
        var sequence = (long)(await Events.PostAsync(client, call))["receipts"]![0]!["sequence"]!;

        await using var db = ledger.OpenContext();
        var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.Sequence == sequence, TestContext.Current.CancellationToken);
        var stored = Encoding.UTF8.GetString((await db.Contents.AsNoTracking().SingleAsync(c => c.Sequence == sequence, TestContext.Current.CancellationToken)).Content!);
        Assert.DoesNotContain("jane@example.com", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("4111", stored);
        Assert.Contains("[redacted:card]", stored);
        Assert.Contains("+44 20 7946 0958", stored);
        var hashes = System.Text.RegularExpressions.Regex.Matches(stored, @"\[email:[0-9a-f]{16}\]").Select(m => m.Value).ToList();
        Assert.Equal(2, hashes.Count);
        Assert.Equal(hashes[0], hashes[1]);
        Assert.Equal("""{"card":1,"email":2,"phone":1}""", JsonNode.Parse(entry.Envelope)!["redactions"]!.ToJsonString());
        Assert.True(File.Exists(keyFile));
        Assert.True((await ledger.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AClientCannotClaimRedactionsItself()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var client = await portal.ClientWithKeyAsync("pii-bot", "ingest");
        var call = Events.LlmCall("claims-redacted");
        call["redactions"] = new JsonObject { ["email"] = 1 };

        var (status, body) = await Events.SendAsync(client, Events.Batch(call));

        Assert.Equal(400, status);
        Assert.Contains("redactions", body.ToJsonString());
    }
}
