using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.ApiKeys;

/// <summary>Creates and revokes API keys; each change is a config.changed event in the ledger.</summary>
public sealed partial class ApiKeyService(IDbContextFactory<LedgerDbContext> factory, PortalEventRecorder recorder, TimeProvider time)
{
    public async Task<string> CreateAsync(string name, string scope, ActorRef createdBy, CancellationToken cancellationToken)
    {
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException("A key name is 1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(name));
        if (!ApiKeyScopes.All.Contains(scope))
            throw new ArgumentException($"Scope must be one of: {string.Join(", ", ApiKeyScopes.All)}.", nameof(scope));

        var secret = ApiKeySecrets.Generate();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken))
                throw new ArgumentException($"An API key named \"{name}\" already exists.", nameof(name));
            db.ApiKeys.Add(new ApiKey
            {
                Id = Guid.CreateVersion7(),
                Name = name,
                Scope = scope,
                SecretHash = ApiKeySecrets.Hash(secret),
                Prefix = ApiKeySecrets.Display(secret),
                CreatedAt = time.GetUtcNow().UtcDateTime,
                CreatedBy = createdBy.Id,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        try
        {
            await RecordAsync("apikey.created", name, scope, createdBy, cancellationToken);
        }
        catch
        {
            // A key the ledger does not know about must not work: take it back.
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            await db.ApiKeys.Where(k => k.Name == name).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
        return secret;
    }

    public async Task<bool> RevokeAsync(string name, ActorRef revokedBy, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken);
        if (key is null) return false;
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await RecordAsync("apikey.revoked", name, key.Scope, revokedBy, cancellationToken);
        return true;
    }

    private Task RecordAsync(string change, string name, string scope, ActorRef actor, CancellationToken cancellationToken) =>
        recorder.RecordAsync(EventTypes.ConfigChanged, actor,
            new JsonObject { ["change"] = change, ["apiKey"] = name, ["scope"] = scope }, cancellationToken);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
