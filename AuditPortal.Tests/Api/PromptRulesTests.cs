using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Api;

/// <summary>Prompt versions: consecutive numbers, four-eyes approval, publish only what was approved.</summary>
public abstract class PromptRulesTests(PortalFixture fixture)
{
    private HttpClient Ingest => fixture.Ingest;
    private static string Id() => "p-" + Guid.NewGuid().ToString("N");
    private static string Name() => "prompt-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task AVersionGoesFromDraftThroughApprovalToPublished()
    {
        var name = Name();
        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, "alice"));
        await Events.PostAsync(Ingest, Events.PromptDecision(Id(), "prompt.version.approved", name, 1, "bob"));
        var published = await Events.PostAsync(Ingest, Events.PromptDecision(Id(), "prompt.version.published", name, 1, "bob"));
        await Events.PostAsync(Ingest, Events.LlmCall(Id(), prompt: (name, 1)));

        await using var db = fixture.Ledger.OpenContext();
        var version = await db.PromptVersions.SingleAsync(p => p.Name == name, TestContext.Current.CancellationToken);
        Assert.Equal(PromptStatus.Published, version.Status);
        Assert.Equal("alice", version.AuthorId);
        Assert.Equal("bob", version.DecidedBy);
        Assert.Equal((long)published["receipts"]![0]!["sequence"]!, version.PublishedSequence);
    }

    [Fact]
    public async Task TheAuthorCannotApproveTheirOwnVersion()
    {
        var name = Name();
        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, "alice"));

        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.approved", name, 1, "alice")));

        Assert.Equal(409, status);
        Assert.Contains("four-eyes", problem["errors"]!["events[0].actor.id"]![0]!.ToString());
    }

    [Theory]
    [InlineData("alice@example.com", "Alice@Example.com")]
    [InlineData("alice@example.com", " alice@example.com")]
    [InlineData("Alice@Example.COM", "\u00a0alice@example.com ")]
    [InlineData("ame\u0301lie@example.com", "am\u00e9lie@example.com")]
    [InlineData("ame\u0301lie", "am\u00e9lie")]
    public async Task TheAuthorCannotApproveTheirOwnVersionUnderAnotherSpellingOfTheirId(string author, string approver)
    {
        var name = Name();
        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, author));

        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.approved", name, 1, approver)));

        Assert.Equal(409, status);
        Assert.Contains("four-eyes", problem["errors"]!["events[0].actor.id"]![0]!.ToString());
        (status, _) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.published", name, 1, "bob")));
        Assert.Equal(409, status);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("alice\u202E@example.com")]
    [InlineData("ali\u200Bce@example.com")]
    public async Task BlankOrDisguisedActorIdsAreRefusedNamingTheField(string actor)
    {
        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptCreated(Id(), Name(), 1, "alice"), Events.LlmCall(Id(), actor: actor)));

        Assert.Equal(400, status);
        Assert.Equal(["events[1].actor.id"], problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task OnlyApprovedVersionsCanBePublished()
    {
        var name = Name();
        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, "alice"));
        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.published", name, 1, "bob")));
        Assert.Equal(409, status);
        Assert.Contains("not approved", problem["errors"]!["events[0].prompt.version"]![0]!.ToString());

        await Events.PostAsync(Ingest, Events.PromptDecision(Id(), "prompt.version.rejected", name, 1, "bob"));
        (status, _) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.published", name, 1, "bob")));
        Assert.Equal(409, status);
    }

    [Fact]
    public async Task VersionsAreConsecutive()
    {
        var name = Name();
        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, "alice"));

        var (duplicate, _) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptCreated(Id(), name, 1, "carol")));
        var (skipped, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptCreated(Id(), name, 3, "carol")));

        Assert.Equal(409, duplicate);
        Assert.Equal(400, skipped);
        Assert.Contains("next version must be 2", problem["errors"]!["events[0].prompt.version"]![0]!.ToString());
    }

    [Fact]
    public async Task ABatchCanCreateAndApproveWhenTwoPeopleAreInvolved()
    {
        var name = Name();
        var body = await Events.PostAsync(Ingest,
            Events.PromptCreated(Id(), name, 1, "alice"),
            Events.PromptDecision(Id(), "prompt.version.approved", name, 1, "bob"),
            Events.PromptDecision(Id(), "prompt.version.published", name, 1, "bob"),
            Events.PromptCreated(Id(), name, 2, "bob", parent: 1));
        Assert.Equal(4, body["receipts"]!.AsArray().Count);
    }

    [Fact]
    public async Task ARuleBreakAnywhereInTheBatchStoresNothing()
    {
        var name = Name();
        var before = await fixture.Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries");
        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(
            Events.PromptCreated(Id(), name, 1, "alice"),
            Events.LlmCall(Id()),
            Events.PromptDecision(Id(), "prompt.version.approved", name, 1, "alice")));

        Assert.Equal(409, status);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("events[2].actor.id"));
        Assert.Equal(before, await fixture.Ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
        await using var db = fixture.Ledger.OpenContext();
        Assert.False(await db.PromptVersions.AnyAsync(p => p.Name == name, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CallsMustNameARegisteredPromptVersion()
    {
        var (status, problem) = await Events.SendAsync(Ingest, Events.Batch(Events.LlmCall(Id(), prompt: (Name(), 7))));
        Assert.Equal(400, status);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("events[0].prompt.version"));
    }

    [Fact]
    public async Task DecisionsOnUnknownVersionsAreInvalidAndParentsMustExist()
    {
        var name = Name();
        var (status, _) = await Events.SendAsync(Ingest, Events.Batch(Events.PromptDecision(Id(), "prompt.version.approved", name, 1, "bob")));
        Assert.Equal(400, status);

        await Events.PostAsync(Ingest, Events.PromptCreated(Id(), name, 1, "alice"));
        var created = Events.PromptCreated(Id(), name, 2, "alice");
        created["prompt"]!["parentVersion"] = 1;
        await Events.PostAsync(Ingest, created);
    }
}

[Collection("sqlite")]
public sealed class SqlitePromptRulesTests(SqlitePortalFixture fixture) : PromptRulesTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresPromptRulesTests(PostgresPortalFixture fixture) : PromptRulesTests(fixture), IClassFixture<PostgresPortalFixture>;
