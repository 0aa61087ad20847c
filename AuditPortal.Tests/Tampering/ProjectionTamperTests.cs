using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Verification;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// prompt_versions and api_keys are projections of ledger events. A DBA who edits them (no trigger
/// protects them) gains nothing: verify names the row, the prompt rules and authentication go by the ledger.
/// </summary>
public abstract class ProjectionTamperTests(LedgerProvider provider) : IAsyncLifetime
{
    private const string Prompt = "claims-triage";
    private TestLedger _ledger = null!;
    private PortalFactory _portal = null!;
    private HttpClient _ingest = null!;
    private HttpClient _reader = null!;
    private Attacker _attacker = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(provider);
        _portal = new PortalFactory(_ledger);
        _ingest = await _portal.ClientWithKeyAsync("projection-bot", ApiKeyScopes.Ingest);
        _reader = await _portal.ClientWithKeyAsync("auditor", ApiKeyScopes.Read);
        await Events.PostAsync(_ingest, Events.PromptCreated("created-1", Prompt, 1, "alice"));
        _attacker = new Attacker(_ledger);
        var clean = await _ledger.VerifyAsync();
        Assert.True(clean.Intact, $"the untouched ledger must verify: {clean.FirstFailure}");
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<VerificationFailure> ProjectionFailureAsync(string table, string rowName)
    {
        var result = await _ledger.VerifyAsync();
        Assert.False(result.Intact, "verification passed a tampered read model");
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureKind.ProjectionRow, failure.Kind);
        Assert.Contains(table, failure.Reason);
        Assert.Contains($"\"{rowName}\"", failure.Reason);
        return failure;
    }

    [Fact]
    public async Task AForgedApprovalIsNamedAndTheAuthorStillCannotPublish()
    {
        await _attacker.ExecuteAsync($"UPDATE prompt_versions SET status = 'Approved', decided_by = 'bob' WHERE name = '{Prompt}' AND version = 1");

        var failure = await ProjectionFailureAsync("prompt_versions", Prompt);
        Assert.Contains("status is Approved but the ledger says Draft", failure.Reason);

        var (status, problem) = await Events.SendAsync(_ingest, Events.Batch(Events.PromptDecision("publish-1", "prompt.version.published", Prompt, 1, "alice")));
        Assert.Equal(409, status);
        Assert.Contains("not approved", problem["errors"]!["events[0].prompt.version"]![0]!.ToString());
    }

    [Fact]
    public async Task AForgedAuthorDoesNotLetTheRealAuthorApproveTheirOwnVersion()
    {
        await _attacker.ExecuteAsync($"UPDATE prompt_versions SET author_id = 'mallory' WHERE name = '{Prompt}'");

        var failure = await ProjectionFailureAsync("prompt_versions", Prompt);
        Assert.Contains("author", failure.Reason);
        var (status, _) = await Events.SendAsync(_ingest, Events.Batch(Events.PromptDecision("approve-1", "prompt.version.approved", Prompt, 1, "alice")));
        Assert.Equal(409, status);
    }

    [Fact]
    public async Task ADeletedPromptRowIsNamedAsMissing()
    {
        await _attacker.ExecuteAsync($"DELETE FROM prompt_versions WHERE name = '{Prompt}'");

        var failure = await ProjectionFailureAsync("prompt_versions", Prompt);
        Assert.Contains("missing", failure.Reason);
    }

    [Fact]
    public async Task AReScopedKeyIsNamedAndRefused()
    {
        await _attacker.ExecuteAsync("UPDATE api_keys SET scope = 'read' WHERE name = 'projection-bot'");

        var failure = await ProjectionFailureAsync("api_keys", "projection-bot");
        Assert.Contains("scope is \"read\" but the ledger created the key with \"ingest\"", failure.Reason);
        var lines = new ConcurrentQueue<string>();
        await using var watched = _portal.WithWebHostBuilder(b => b.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines))));
        using var client = watched.CreateClient();
        client.DefaultRequestHeaders.Authorization = _ingest.DefaultRequestHeaders.Authorization;
        using var response = await Get(client);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(lines, l => l.Contains("Critical: Refused API key \"projection-bot\"", StringComparison.Ordinal) && l.Contains("scope is \"read\""));
    }

    [Fact]
    public async Task AnInsertedKeyRowIsNamedAndGrantsNothingEvenWithAnIngestedCreationEvent()
    {
        var secret = ApiKeySecrets.Generate();
        var at = ApiKeyLedger.ToStoredPrecision(DateTime.UtcNow);
        var backdoor = new ApiKey
        {
            Id = Guid.NewGuid(), Name = "backdoor", Scope = ApiKeyScopes.Read, SecretHash = ApiKeySecrets.Hash(secret),
            Prefix = ApiKeySecrets.Display(secret), CreatedAt = at, CreatedBy = "admin",
        };
        // An ingest key can post config.changed events; one that commits to the forged row must not explain it.
        var attributes = new JsonObject();
        foreach (var (name, value) in ApiKeyLedger.CreationAttributes(backdoor)) attributes[name] = value;
        await Events.PostAsync(_ingest, new JsonObject
        {
            ["id"] = ApiKeyLedger.CreatedEventId(backdoor.SecretHash), ["type"] = "config.changed", ["occurredAt"] = at.ToString("O"),
            ["actor"] = new JsonObject { ["id"] = "admin", ["kind"] = "user" }, ["attributes"] = attributes,
        });
        await using (var connection = _ledger.OpenConnection())
        {
            await using var insert = Attacker.Command(connection,
                "INSERT INTO api_keys (id, name, scope, secret_hash, prefix, created_at, created_by) VALUES (@id, @name, @scope, @hash, @prefix, @at, @by)",
                ("id", provider == LedgerProvider.Postgres ? backdoor.Id : backdoor.Id.ToString().ToUpperInvariant()), ("name", backdoor.Name),
                ("scope", backdoor.Scope), ("hash", backdoor.SecretHash), ("prefix", backdoor.Prefix), ("at", at), ("by", backdoor.CreatedBy));
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var failure = await ProjectionFailureAsync("api_keys", "backdoor");
        Assert.Contains("inserted", failure.Reason);
        using var client = _portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await Get(client);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ARevokedKeyShownActiveIsNamedAndStaysRefused()
    {
        using (var before = await Get(_reader)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.True(await _portal.Services.GetRequiredService<ApiKeyService>()
            .RevokeAsync("auditor", new ActorRef("admin", ActorKinds.User), TestContext.Current.CancellationToken));
        await _attacker.ExecuteAsync("UPDATE api_keys SET revoked_at = NULL WHERE name = 'auditor'");

        var failure = await ProjectionFailureAsync("api_keys", "auditor");
        Assert.Contains("shown active but the ledger revoked it", failure.Reason);
        using var response = await Get(_reader);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Get(HttpClient client) => client.GetAsync("/api/v1/events?limit=1");
}

[Collection("postgres")]
public sealed class PostgresProjectionTamperTests() : ProjectionTamperTests(LedgerProvider.Postgres);

public sealed class SqliteProjectionTamperTests() : ProjectionTamperTests(LedgerProvider.Sqlite);
