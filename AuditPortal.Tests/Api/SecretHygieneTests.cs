using System.Collections.Concurrent;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Api;

/// <summary>Keys are secrets: revocation takes effect at once, and neither API keys nor the signing key reach the logs.</summary>
public sealed class SecretHygieneTests
{
    [Fact]
    public async Task NoKeyAppearsInTheLogsEvenAtTraceLevel()
    {
        var lines = new ConcurrentQueue<string>();
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new CapturingLoggerProvider(lines));
        }));
        using var client = portal.CreateClient();
        var key = await portal.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync("logged-bot", ApiKeyScopes.Ingest, new ActorRef("admin", ActorKinds.User), TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        await Events.PostAsync(client, Events.LlmCall("hygiene-1"));
        client.DefaultRequestHeaders.Authorization = new("Bearer", key[..^2] + "xx");
        await client.PostAsync("/api/v1/events", Events.Batch(Events.LlmCall("hygiene-2")));

        var privateKey = (await File.ReadAllTextAsync(ledger.KeyFile, TestContext.Current.CancellationToken)).Trim();
        // PRIVATE+KEY+name+keyid+base64: the base64 part may itself hold '+', so split off the first four fields only.
        var secretPart = privateKey.Split('+', 5)[4];
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains(key[4..], StringComparison.Ordinal) || l.Contains(key[4..^2], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(secretPart, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceAndTheRevocationIsRecorded()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        var client = await portal.ClientWithKeyAsync("short-lived", ApiKeyScopes.Ingest);
        await Events.PostAsync(client, Events.LlmCall("before-revocation"));

        var keys = portal.Services.GetRequiredService<ApiKeyService>();
        Assert.True(await keys.RevokeAsync("short-lived", new ActorRef("admin", ActorKinds.User), TestContext.Current.CancellationToken));

        var (status, _) = await Events.SendAsync(client, Events.Batch(Events.LlmCall("after-revocation")));
        Assert.Equal(401, status);
        Assert.Equal(1, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE type = 'config.changed' AND search_text LIKE '%apikey.revoked%'"));
    }
}
