using System.Text.Json.Nodes;
using AuditPortal.Configuration;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Events;
using AuditPortal.Features.Retention;
using AuditPortal.Ledger;
using AuditPortal.Ledger.Checkpoints;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// The real portal on a SQLite ledger of its own, with checkpoints signed when a test says so (the real publisher,
/// without the timer that would otherwise decide which entries a checkpoint covers).
/// </summary>
public sealed class EventPagePortal : IAsyncLifetime
{
    public TestLedger Ledger { get; private set; } = null!;
    public WebApplicationFactory<AuditPortalEntryPoint> Portal { get; private set; } = null!;
    private HttpClient _ingest = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        Portal = Start(Ledger);
        _ingest = await ClientWithKeyAsync(Portal, "event-page-bot");
    }

    public static WebApplicationFactory<AuditPortalEntryPoint> Start(TestLedger ledger) =>
        new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            foreach (var timer in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(Checkpointer)).ToList())
                services.Remove(timer);
        }));

    public static async Task<HttpClient> ClientWithKeyAsync(WebApplicationFactory<AuditPortalEntryPoint> portal, string name)
    {
        var key = await portal.Services.GetRequiredService<Features.ApiKeys.ApiKeyService>()
            .CreateAsync(name, ApiKeyScopes.Ingest, new ActorRef("test-admin", ActorKinds.User), CancellationToken.None);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public Task<long> PostAsync(JsonObject e) => PostAsync(_ingest, e);

    public static async Task<long> PostAsync(HttpClient ingest, JsonObject e) =>
        (long)(await Events.PostAsync(ingest, e))["receipts"]![0]!["sequence"]!;

    /// <summary>Signs a checkpoint of everything appended so far, as the timer would.</summary>
    public static Task<long> CheckpointAsync(WebApplicationFactory<AuditPortalEntryPoint> portal) =>
        portal.Services.GetRequiredService<CheckpointPublisher>().PublishAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _ingest.Dispose();
        await Portal.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}

public sealed class EventPageTests : DashboardTestContext, IClassFixture<EventPagePortal>
{
    private const string Rita = "rita.reviewer@example.com";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly EventPagePortal _shared;

    public EventPageTests(EventPagePortal shared)
    {
        _shared = shared;
        SignInAs(PortalRoles.Reviewer, Rita);
    }

    private void UsePortal(WebApplicationFactory<AuditPortalEntryPoint> portal)
    {
        Services.AddSingleton(portal.Services.GetRequiredService<EventDetailService>());
        Services.AddSingleton(portal.Services.GetRequiredService<ProofService>());
        Services.AddSingleton(portal.Services.GetRequiredService<SigningKeyHolder>());
        Services.AddSingleton(portal.Services.GetRequiredService<LedgerLocation>());
        Services.AddSingleton(portal.Services.GetRequiredService<IOptions<PortalOptions>>());
    }

    private IRenderedComponent<EventPage> Open(string sequence)
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<EventPage>(p => p.Add(page => page.Sequence, sequence));
    }

    private static AngleSharp.Dom.IElement Badge(IRenderedComponent<EventPage> cut) =>
        cut.WaitForElement("[data-testid=proof-badge]", TimeSpan.FromSeconds(30));

    /// <summary>The text a reader sees: runs of white space (markup indentation) as one space.</summary>
    private static string Text(AngleSharp.Dom.IElement element) => System.Text.RegularExpressions.Regex.Replace(element.TextContent, @"\s+", " ");

    [Fact]
    public async Task HostileContentIsShownAsTextAndNothingIsInjected()
    {
        const string script = "<script>alert(1)</script>";
        const string image = "Look:\n  <img src=x onerror=alert(1)>";
        var call = Events.LlmCall("hostile-" + Guid.NewGuid().ToString("N")[..8], text: script);
        call["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = image });
        var sequence = await _shared.PostAsync(call);
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());
        Badge(cut);

        var texts = cut.FindAll("[data-testid=message-text]").Select(m => m.TextContent).ToList();
        Assert.Equal([script, image], texts);
        Assert.Equal(["user", "assistant"], cut.FindAll("[data-testid=message]").Select(m => m.GetAttribute("data-role")));
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("[onerror]"));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", cut.Markup);
    }

    [Fact]
    public async Task AnEntryInTheLatestCheckpointIsVerifiedOnTheServer()
    {
        await _shared.PostAsync(Events.PromptCreated("event-page-prompt-1", "event-page-prompt", 1, "paula@example.com"));
        var sequence = await _shared.PostAsync(Events.LlmCall("checkpointed-" + Guid.NewGuid().ToString("N")[..8], prompt: ("event-page-prompt", 1)));
        var size = await EventPagePortal.CheckpointAsync(_shared.Portal);
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());

        var badge = Badge(cut);
        Assert.Equal("verified", badge.GetAttribute("data-status"));
        Assert.Contains($"Included in checkpoint of size {size:N0} — verified", Text(badge));
        await using var db = _shared.Ledger.OpenContext();
        var leaf = await db.Entries.Where(e => e.Sequence == sequence).Select(e => e.LeafHash).SingleAsync(Ct);
        Assert.Equal(Convert.ToHexStringLower(leaf), cut.Find("[data-testid=leaf-hash]").TextContent);
        Assert.Equal("/prompts/event-page-prompt", cut.Find("[data-testid=field-prompt]").GetAttribute("href"));
        Assert.Equal("event-page-prompt v1", cut.Find("[data-testid=field-prompt]").TextContent);
    }

    [Fact]
    public async Task AnEntryAppendedAfterTheLatestCheckpointIsNotYetInOne()
    {
        await EventPagePortal.CheckpointAsync(_shared.Portal);
        var sequence = await _shared.PostAsync(Events.LlmCall("new-" + Guid.NewGuid().ToString("N")[..8]));
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());

        var badge = Badge(cut);
        Assert.Equal("not-yet", badge.GetAttribute("data-status"));
        Assert.Contains("Not yet in a checkpoint", Text(badge));
        Assert.Contains($"The latest checkpoint covers entries 0 to {sequence - 1:N0}.", Text(badge));
        Assert.Contains("signed within 0.3 seconds of its append", Text(badge));
    }

    [Fact]
    public async Task ContentPurgedByRetentionNamesThePolicyTheDateAndTheTombstone()
    {
        var application = "purge-" + Guid.NewGuid().ToString("N")[..8];
        var sequence = await _shared.PostAsync(Events.LlmCall(application, application: application, text: "an old question", at: DateTimeOffset.UtcNow.AddDays(-400)));
        var retention = _shared.Portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(new ActorRef("ada.admin@example.com", ActorKinds.User), new RetentionScope(null, application, null), 180, CancellationToken.None);
        await retention.ConfirmAsync(new ActorRef("ben.admin@example.com", ActorKinds.User), proposal.Id!, CancellationToken.None);
        var purge = (await _shared.Portal.Services.GetRequiredService<RetentionEnforcer>().RunOnceAsync(CancellationToken.None)).Single(p => p.Purged > 0);
        Assert.Equal(1, purge.Purged);
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());
        Badge(cut);

        var notice = cut.Find("[data-testid=content-purged]");
        Assert.Matches($@"^Content purged under retention policy policy-[0-9a-f]{{12}} \(180 days\) on {DateTime.UtcNow:yyyy-MM-dd} \(UTC\)\.", notice.TextContent.Trim());
        Assert.Matches(@"^/events/\d+$", notice.QuerySelector("a")!.GetAttribute("href"));
        Assert.DoesNotContain("an old question", cut.Markup);
    }

    [Fact]
    public async Task ContentMissingWithoutATombstoneIsShownAsTampering()
    {
        var sequence = await _shared.PostAsync(Events.LlmCall("purged-" + Guid.NewGuid().ToString("N")[..8], text: "a secret question"));
        await new Attacker(_shared.Ledger).DisableTriggersAsync();
        await _shared.Ledger.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {sequence}");
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());
        Badge(cut);

        Assert.Contains("Content missing, and no retention tombstone covers it.", cut.Find("[data-testid=content-purged]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=message]"));
        Assert.DoesNotContain("a secret question", cut.Markup);
    }

    [Fact]
    public async Task TheViewIsRecordedAsAnAccessEventByTheSignedInPerson()
    {
        var sequence = await _shared.PostAsync(Events.LlmCall("viewed-" + Guid.NewGuid().ToString("N")[..8]));
        UsePortal(_shared.Portal);

        var cut = Open(sequence.ToString());
        Badge(cut);

        await using var db = _shared.Ledger.OpenContext();
        var views = (await db.Entries.AsNoTracking().Where(e => e.Type == EventTypes.Access && e.ActorId == Rita && e.Sequence > sequence)
                .Select(e => e.Envelope).ToListAsync(Ct))
            .Select(e => JsonNode.Parse(e)!["attributes"]!)
            .Where(a => (string?)a["sequence"] == sequence.ToString())
            .Select(a => ((string)a["action"]!, (string)a["via"]!)).ToList();
        Assert.Equal([("events.view", "dashboard")], views.Where(v => v.Item1 == "events.view"));
    }

    [Fact]
    public async Task AViewTheLedgerCannotRecordIsNotShown()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = EventPagePortal.Start(ledger);
        using var ingest = await EventPagePortal.ClientWithKeyAsync(portal, "unrecorded-page-bot");
        var sequence = await EventPagePortal.PostAsync(ingest, Events.LlmCall("unrecordable", text: "a question nobody may read unrecorded"));
        // The database refuses access events from now on (a full disk, a lost lock, an administrator's trigger).
        await ledger.ExecuteAsync("CREATE TRIGGER refuse_access BEFORE INSERT ON ledger_entries WHEN NEW.type = 'access' " +
            "BEGIN SELECT RAISE(ABORT, 'access events refused'); END");
        UsePortal(portal);

        var cut = Open(sequence.ToString());

        cut.WaitForElement("[data-testid=event-not-recorded]", TimeSpan.FromSeconds(30));
        Assert.Empty(cut.FindAll("[data-testid=message]"));
        Assert.DoesNotContain("a question nobody may read unrecorded", cut.Markup);
    }

    [Theory]
    [InlineData("abc", "event-bad-sequence")]
    [InlineData("-1", "event-bad-sequence")]
    [InlineData("99999999999", "event-not-found")]
    public void ASequenceThatIsNotAnEventGetsAFriendlyAnswer(string sequence, string answer)
    {
        UsePortal(_shared.Portal);

        var cut = Open(sequence);

        cut.WaitForElement($"[data-testid={answer}]");
        Assert.Empty(cut.FindAll("[data-testid=proof-badge]"));
    }

    [Fact]
    public async Task AnEnvelopeEditedInTheDatabaseFailsTheProofAndNamesWhatDidNotCheck()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = EventPagePortal.Start(ledger);
        using var ingest = await EventPagePortal.ClientWithKeyAsync(portal, "tamper-page-bot");
        var edited = await EventPagePortal.PostAsync(ingest, Events.LlmCall("edited", model: "gpt-4o"));
        var rehashed = await EventPagePortal.PostAsync(ingest, Events.LlmCall("rehashed", model: "gpt-4o"));
        var size = await EventPagePortal.CheckpointAsync(portal);
        var attacker = new Attacker(ledger);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(edited, "\"model\":\"gpt-4o\"", "\"model\":\"gpt-5o\"", rehash: false);
        UsePortal(portal);

        var cut = Open(edited.ToString());

        var badge = Badge(cut);
        Assert.Equal("failed", badge.GetAttribute("data-status"));
        Assert.Contains($"Inclusion NOT verified against the checkpoint of size {size:N0}", Text(badge));
        Assert.Equal([nameof(ProofFailureKind.LeafHashDiffers), nameof(ProofFailureKind.RootMismatch)],
            cut.FindAll("[data-testid=proof-failure]").Select(f => f.GetAttribute("data-kind")));
        Assert.Contains("the leaf hash is not the envelope's", cut.Find("[data-testid=integrity-problems]").TextContent);
        Assert.Contains("gpt-5o", cut.Find("[data-testid=field-model]").TextContent);

        // A careful attacker also rewrites the leaf hash and the tree: only the signed checkpoint still disagrees.
        await attacker.EditEnvelopeAsync(rehashed, "\"model\":\"gpt-4o\"", "\"model\":\"gpt-5o\"", rehash: true);
        var second = Open(rehashed.ToString());
        Assert.Equal("failed", Badge(second).GetAttribute("data-status"));
        Assert.Equal([nameof(ProofFailureKind.RootMismatch)], second.FindAll("[data-testid=proof-failure]").Select(f => f.GetAttribute("data-kind")));
        Assert.Empty(second.FindAll("[data-testid=integrity-problems]"));
    }
}
