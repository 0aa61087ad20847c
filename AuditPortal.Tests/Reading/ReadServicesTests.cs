using System.Security.Claims;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;
using AuditPortal.Features.Prompts;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Reading;

/// <summary>The typed read services as a dashboard page or an export calls them: no HTTP, a signed-in person, the real ledger.</summary>
public abstract class ReadServicesTests(PortalFixture fixture)
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private T Service<T>() where T : notnull => fixture.Portal.Services.GetRequiredService<T>();

    /// <summary>A person signed in to the dashboard, as the cookie carries them.</summary>
    private static ClaimsPrincipal Person(string id) => PortalClaims.Principal("Test", id, "Some Reviewer", [PortalRoles.Reviewer]);

    private static EventQuery Parse(string queryString)
    {
        var errors = new FieldErrors();
        var query = EventQueryParser.Parse(QueryHelpers.ParseQuery(queryString), errors);
        Assert.False(errors.Any, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return query;
    }

    private async Task<List<(string Action, string Kind)>> AccessesByAsync(string reader)
    {
        await using var db = fixture.Ledger.OpenContext();
        var envelopes = await db.Entries.AsNoTracking().Where(e => e.Type == EventTypes.Access && e.ActorId == reader)
            .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(Ct);
        return [.. envelopes.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e)!)
            .Select(e => ((string)e["attributes"]!["action"]!, (string)e["actor"]!["kind"]!))];
    }

    [Fact]
    public async Task APageBuildsTheApisFilterFromItsOwnQueryStringAndPagesWithACount()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 7).Select(i =>
            Events.LlmCall($"{tag}-{i}", actor: $"paged-{tag}@example.com", model: i % 2 == 0 ? "gpt-4o" : "claude", at: DateTimeOffset.UtcNow.AddMinutes(-60 + i)))]);
        var reader = ReadActor.From(Person($"reviewer-{tag}@example.com"));
        var timeline = Service<TimelineService>();

        var query = Parse($"?actor=Paged-{tag}%40Example.com&model=gpt-4o&limit=3");
        var first = await timeline.ReadAsync(query, reader, "dashboard", Ct, withCount: true);
        var second = await timeline.ReadAsync(query with { Cursor = first.Next }, reader, "dashboard", Ct, withCount: true);

        Assert.Equal([$"{tag}-6", $"{tag}-4", $"{tag}-2"], first.Rows.Select(r => r.Facts.Id));
        Assert.Equal([$"{tag}-0"], second.Rows.Select(r => r.Facts.Id));
        Assert.Null(second.Next);
        Assert.Equal(4, first.Count);
        Assert.Equal(4, second.Count);
        Assert.All(first.Rows, r => Assert.Equal(Convert.ToHexStringLower(MerkleHash.Leaf(r.Envelope)), r.LeafHashHex));
        Assert.Equal([("events.query", ActorKinds.User), ("events.query", ActorKinds.User)], await AccessesByAsync($"reviewer-{tag}@example.com"));
    }

    [Fact]
    public void TheParserRefusesARepeatedNameHoweverThePairsArrive()
    {
        var errors = new FieldErrors();
        EventQueryParser.Parse([new("actor", "a"), new("actor", "b"), new("colour", "blue")], errors);
        Assert.Equal(["actor", "colour"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public async Task EventDetailShowsEnvelopeContentAndLeafHashAndRecordsTheView()
    {
        var tag = Tag();
        var receipt = (await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-1", text: $"detail {tag}")))["receipts"]![0]!;
        var sequence = (long)receipt["sequence"]!;
        var reader = ReadActor.From(Person($"viewer-{tag}@example.com"));

        var detail = await Service<EventDetailService>().ReadAsync(sequence, reader, "dashboard", Ct);
        var missing = await Service<EventDetailService>().ReadAsync(long.MaxValue / 2, reader, "dashboard", Ct);

        Assert.NotNull(detail);
        Assert.Null(missing);
        Assert.Equal((string)receipt["leafHash"]!, detail.LeafHash);
        Assert.Equal($"{tag}-1", detail.Facts!.Id);
        Assert.Contains($"detail {tag}", detail.ContentText);
        Assert.False(detail.ContentPurged);
        Assert.Empty(detail.IntegrityProblems);
        Assert.Equal([("events.view", ActorKinds.User), ("events.view", ActorKinds.User)], await AccessesByAsync($"viewer-{tag}@example.com"));
    }

    [Fact]
    public async Task PromptHistoryIsReplayedFromTheLedgerNotFromThePromptVersionsTable()
    {
        var tag = Tag();
        var name = $"claims-{tag}";
        var v1 = Events.PromptCreated($"{tag}-c1", name, 1, "alice@example.com");
        v1["prompt"]!["changeNote"] = "first cut";
        var reject = Events.PromptDecision($"{tag}-r1", "prompt.version.rejected", name, 1, "bob@example.com");
        reject["comment"] = "too vague";
        var v2 = Events.PromptCreated($"{tag}-c2", name, 2, "alice@example.com", parent: 1);
        var approve = Events.PromptDecision($"{tag}-a2", "prompt.version.approved", name, 2, "bob@example.com");
        var publish = Events.PromptDecision($"{tag}-p2", "prompt.version.published", name, 2, "carol@example.com");
        await Events.PostAsync(fixture.Ingest, v1, reject, v2, approve, publish);
        // A DBA's edit of the projection does not change what the history says.
        await using (var db = fixture.Ledger.OpenContext())
            await db.PromptVersions.Where(p => p.Name == name && p.Version == 1)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PromptStatus.Published).SetProperty(p => p.AuthorId, "mallory"), Ct);

        var history = await Service<PromptHistoryService>().ReadAsync(name, ReadActor.From(Person($"auditor-{tag}")), "dashboard", Ct);

        Assert.Equal([1, 2], history.Versions.Select(v => v.Version));
        var first = history.Versions[0];
        Assert.Equal("alice@example.com", first.AuthorId);
        Assert.Equal("first cut", first.ChangeNote);
        Assert.Equal("Template 1 for {{topic}}", first.Template);
        Assert.Equal(PromptStatus.Rejected, first.Status);
        var rejection = Assert.Single(first.Decisions);
        Assert.False(rejection.Approved);
        Assert.Equal(("bob@example.com", "too vague"), (rejection.By.ActorId, rejection.By.Comment));
        Assert.Null(first.Publication);

        var second = history.Versions[1];
        Assert.Equal(1, second.ParentVersion);
        Assert.Equal(PromptStatus.Published, second.Status);
        Assert.True(Assert.Single(second.Decisions).Approved);
        Assert.Equal("carol@example.com", second.Publication!.ActorId);
        Assert.True(second.Created.Sequence < second.Decisions[0].By.Sequence && second.Decisions[0].By.Sequence < second.Publication.Sequence);
        Assert.Equal([("prompts.history", ActorKinds.User)], await AccessesByAsync($"auditor-{tag}"));
    }

    [Fact]
    public async Task ThePromptListSaysEachPromptsLatestVersionAndWhatIsPublished()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest,
            Events.PromptCreated($"{tag}-a1", $"a-{tag}", 1, "alice@example.com"),
            Events.PromptDecision($"{tag}-a1ok", "prompt.version.approved", $"a-{tag}", 1, "bob@example.com"),
            Events.PromptDecision($"{tag}-a1pub", "prompt.version.published", $"a-{tag}", 1, "bob@example.com"),
            Events.PromptCreated($"{tag}-a2", $"a-{tag}", 2, "carol@example.com", parent: 1),
            Events.PromptCreated($"{tag}-b1", $"b-{tag}", 1, "dave@example.com"));

        var list = await Service<PromptHistoryService>().ListAsync(ReadActor.From(Person($"lister-{tag}")), "dashboard", Ct);

        Assert.Equal(
            [new PromptSummary($"a-{tag}", 2, 2, PromptStatus.Draft, "carol@example.com", 1), new PromptSummary($"b-{tag}", 1, 1, PromptStatus.Draft, "dave@example.com", null)],
            list.Where(p => p.Name.EndsWith(tag, StringComparison.Ordinal)));
        Assert.Equal([("prompts.list", ActorKinds.User)], await AccessesByAsync($"lister-{tag}"));
    }

    [Fact]
    public async Task TheAccessLogListsReadsWithTheTimelinesFilters()
    {
        var tag = Tag();
        var person = ReadActor.From(Person($"looker-{tag}@example.com"));
        await Service<TimelineService>().ReadAsync(Parse($"?q=nothing-{tag}"), person, "dashboard", Ct);
        await Events.GetJsonAsync(fixture.Reader, $"/api/v1/events?q=api-{tag}");

        var log = Service<AccessLogService>();
        var byPerson = await log.ReadAsync(Parse($"?actor=looker-{tag}%40example.com"), person, "dashboard", Ct);
        var byText = await log.ReadAsync(Parse($"?q=api-{tag}&type=llm.call"), person, "dashboard", Ct);

        var entry = Assert.Single(byPerson.Entries);
        Assert.Equal(("events.query", $"looker-{tag}@example.com", ActorKinds.User), (entry.Action, entry.Reader.Id, entry.Reader.Kind));
        Assert.Equal($"nothing-{tag}", entry.Details["filter.q"]);
        Assert.Equal("dashboard", entry.Details["via"]);
        // The type filter cannot turn the access log into the timeline.
        var apiRead = Assert.Single(byText.Entries);
        Assert.Equal(("events.query", "auditor", ActorKinds.Service, "api"), (apiRead.Action, apiRead.Reader.Id, apiRead.Reader.Kind, apiRead.Details["via"]));
        // Reading the access log is an access too.
        Assert.Equal([("events.query", ActorKinds.User), ("access.query", ActorKinds.User), ("access.query", ActorKinds.User)],
            await AccessesByAsync($"looker-{tag}@example.com"));
    }

    [Fact]
    public async Task ProofsFromTheTreeReaderVerifyWithTheRfc9162Verifier()
    {
        await Events.PostAsync(fixture.Ingest, [.. Enumerable.Range(0, 5).Select(i => Events.LlmCall($"{Tag()}-{i}"))]);
        await using var db = fixture.Ledger.OpenContext();
        var size = await TreeReader.TreeSizeAsync(db, Ct);
        var earlier = size - 3;

        var inclusion = await TreeReader.InclusionProofAsync(db, size - 2, size, Ct);
        var consistency = await TreeReader.ConsistencyProofAsync(db, earlier, size, Ct);

        Assert.True(MerkleProofs.VerifyInclusion(size - 2, size, inclusion.LeafHash, [.. inclusion.Path], inclusion.RootHash).IsValid);
        Assert.True(MerkleProofs.VerifyConsistency(earlier, size, await TreeReader.RootAsync(db, earlier, Ct), inclusion.RootHash, consistency).IsValid);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TreeReader.InclusionProofAsync(db, size, size, Ct));
    }

    [Fact]
    public async Task ProofServiceRecordsAPersonsReadAndNamesBadSizes()
    {
        var tag = Tag();
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-1"));
        var proofs = Service<ProofService>();
        var person = ReadActor.From(Person($"prover-{tag}"));
        await using var db = fixture.Ledger.OpenContext();
        var size = await TreeReader.TreeSizeAsync(db, Ct);

        var errors = new FieldErrors();
        var refused = await proofs.InclusionAsync(0, size + 1, person, "dashboard", errors, Ct);
        var proof = await proofs.InclusionAsync(0, size, person, "dashboard", new FieldErrors(), Ct);

        Assert.Null(refused);
        Assert.Equal(["treeSize"], errors.ToDictionary().Keys);
        Assert.Equal(size, proof!.TreeSize);
        Assert.Equal([("proofs.inclusion", ActorKinds.User)], await AccessesByAsync($"prover-{tag}"));
    }

    [Fact]
    public void TheReaderIsWhoeverIsSignedInAndNeverNobody()
    {
        var key = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "support-bot"), new Claim(ApiKeyDefaults.ScopeClaim, ApiKeyScopes.Read)], ApiKeyDefaults.Scheme));

        Assert.Equal(new ActorRef("ada@corp.example", ActorKinds.User), ReadActor.From(Person("ada@corp.example")));
        Assert.Equal(new ActorRef("support-bot", ActorKinds.Service), ReadActor.From(key));
        Assert.Throws<InvalidOperationException>(() => ReadActor.From(new ClaimsPrincipal(new ClaimsIdentity())));
    }
}

[Collection("sqlite")]
public sealed class SqliteReadServicesTests(SqlitePortalFixture fixture) : ReadServicesTests(fixture), IClassFixture<SqlitePortalFixture>;

[Collection("postgres")]
public sealed class PostgresReadServicesTests(PostgresPortalFixture fixture) : ReadServicesTests(fixture), IClassFixture<PostgresPortalFixture>;
