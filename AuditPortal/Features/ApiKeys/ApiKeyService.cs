using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using AuditPortal.Ledger.Writing;
using AuditPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.ApiKeys;

/// <summary>
/// Creates, lists and revokes API keys. Each change is a config.changed event, and the api_keys row is
/// written in the same transaction as that event, so the row never exists without the event that explains it.
/// </summary>
public sealed partial class ApiKeyService(IDbContextFactory<LedgerDbContext> factory, PortalEventRecorder recorder, TimeProvider time)
{
    public async Task<string> CreateAsync(string name, string scope, ActorRef createdBy, CancellationToken cancellationToken)
    {
        if (ProblemWithName(name) is { } nameProblem) throw new ArgumentException(nameProblem, nameof(name));
        if (ProblemWithScope(scope) is { } scopeProblem) throw new ArgumentException(scopeProblem, nameof(scope));

        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken))
                throw new ArgumentException($"An API key named \"{name}\" already exists.", nameof(name));
        }
        var secret = ApiKeySecrets.Generate();
        var now = ApiKeyLedger.ToStoredPrecision(time.GetUtcNow().UtcDateTime);
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Scope = scope,
            SecretHash = ApiKeySecrets.Hash(secret),
            Prefix = ApiKeySecrets.Display(secret),
            CreatedAt = now,
            CreatedBy = createdBy.Id,
        };
        await recorder.RecordAsync(new PortalEvent(EventTypes.ConfigChanged, createdBy, Attributes(ApiKeyLedger.CreationAttributes(key)))
        {
            EventId = ApiKeyLedger.CreatedEventId(key.SecretHash),
            SubmittedBy = ApiKeyLedger.Recorder,
            OccurredAtUtc = now,
            Project = (db, _) =>
            {
                // A fresh entity each time: a failed group commit retries the request on a new context.
                db.ApiKeys.Add(new ApiKey
                {
                    Id = key.Id, Name = key.Name, Scope = key.Scope, SecretHash = key.SecretHash, Prefix = key.Prefix,
                    CreatedAt = key.CreatedAt, CreatedBy = key.CreatedBy,
                });
                return Task.CompletedTask;
            },
        }, cancellationToken);
        return secret;
    }

    /// <summary>Why a key cannot have this name, or null; the rule <see cref="CreateAsync"/> enforces, for forms to say before submitting.</summary>
    public static string? ProblemWithName(string name) =>
        NamePattern().IsMatch(name) ? null : "A key name is 1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";

    /// <summary>Why a key cannot have this scope, or null.</summary>
    public static string? ProblemWithScope(string scope) =>
        ApiKeyScopes.All.Contains(scope) ? null : $"Scope must be one of: {string.Join(", ", ApiKeyScopes.All)}.";

    /// <summary>Revokes the active key of that name; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, ActorRef revokedBy, CancellationToken cancellationToken)
    {
        ApiKey? key;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken);
            if (key is null) return false;
            var revokedEventId = ApiKeyLedger.RevokedEventId(key.SecretHash);
            if (await db.Entries.AnyAsync(e => e.SubmittedBy == ApiKeyLedger.Recorder.Id && e.EventId == revokedEventId, cancellationToken))
                throw new ArgumentException($"The ledger already revoked \"{name}\", but its api_keys row shows it active: the row was edited. Run `verify`.");
        }
        var now = ApiKeyLedger.ToStoredPrecision(time.GetUtcNow().UtcDateTime);
        var id = key.Id;
        await recorder.RecordAsync(new PortalEvent(EventTypes.ConfigChanged, revokedBy, Attributes(ApiKeyLedger.RevocationAttributes(key)))
        {
            EventId = ApiKeyLedger.RevokedEventId(key.SecretHash),
            SubmittedBy = ApiKeyLedger.Recorder,
            OccurredAtUtc = now,
            Project = (db, ct) => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct),
        }, cancellationToken);
        return true;
    }

    /// <summary>Every key, oldest first, with whether the ledger explains its row. Never the secret or its hash.</summary>
    public async Task<IReadOnlyList<ApiKeyListing>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ThenBy(k => k.Name).ToListAsync(cancellationToken);
        var ledger = await ApiKeyLedgerLookup.ReadAsync(db, rows, cancellationToken);
        return [.. rows.Select(r => new ApiKeyListing(r.Name, r.Scope, r.Prefix, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), r.CreatedBy,
            r.RevokedAt is { } revoked ? DateTime.SpecifyKind(revoked, DateTimeKind.Utc) : null, ledger[r.Id].RevokedBy, ledger[r.Id].Unexplained))];
    }

    private static JsonObject Attributes(Dictionary<string, string> attributes)
    {
        var json = new JsonObject();
        foreach (var (name, value) in attributes) json[name] = value;
        return json;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}

/// <param name="RevokedBy">Who revoked the key, as the ledger's revocation event says (the row does not record it); null when the ledger has none.</param>
/// <param name="Unexplained">Why the ledger does not explain the row (tampering), or null.</param>
public sealed record ApiKeyListing(string Name, string Scope, string Prefix, DateTime CreatedAtUtc, string CreatedBy, DateTime? RevokedAtUtc,
    string? RevokedBy, string? Unexplained);
