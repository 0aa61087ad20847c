using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Security;

/// <summary>
/// Checks api_keys rows against their creation and revocation events, found by their derived event
/// ids through the unique event-id index: cheap enough for every authenticated request.
/// </summary>
internal static class ApiKeyLedgerLookup
{
    /// <summary>For each row, why the ledger does not explain it, or null when it does.</summary>
    public static async Task<Dictionary<Guid, string?>> UnexplainedAsync(LedgerDbContext db, IReadOnlyCollection<ApiKey> rows,
        CancellationToken cancellationToken) =>
        (await ReadAsync(db, rows, cancellationToken)).ToDictionary(p => p.Key, p => p.Value.Unexplained);

    /// <summary>For each row, what the ledger says about it: whether it explains the row, and who revoked the key.</summary>
    public static async Task<Dictionary<Guid, ApiKeyLedgerView>> ReadAsync(LedgerDbContext db, IReadOnlyCollection<ApiKey> rows,
        CancellationToken cancellationToken)
    {
        var ids = rows.SelectMany(r => new[] { ApiKeyLedger.CreatedEventId(r.SecretHash), ApiKeyLedger.RevokedEventId(r.SecretHash) }).ToList();
        var envelopes = ids.Count == 0 ? [] : await db.Entries.AsNoTracking()
            .Where(e => e.SubmittedBy == ApiKeyLedger.Recorder.Id && ids.Contains(e.EventId))
            .OrderBy(e => e.Sequence)
            .Select(e => e.Envelope)
            .ToListAsync(cancellationToken);
        var changes = envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>()
            .Select(e => (Event: e, Change: ApiKeyLedger.KeyChange(e)))
            .Where(c => c.Change is not null)
            .ToList();
        return rows.ToDictionary(r => r.Id, r =>
        {
            var created = changes.FirstOrDefault(c => c.Change == (r.Id, false)).Event;
            var revoked = changes.FirstOrDefault(c => c.Change == (r.Id, true)).Event;
            return new ApiKeyLedgerView(ApiKeyLedger.Unexplained(r, created, revoked), revoked?.ActorId);
        });
    }
}

/// <param name="Unexplained">Why the ledger does not explain the row (tampering), or null.</param>
/// <param name="RevokedBy">The actor of the ledger's revocation of the key, or null when the ledger has none.</param>
internal sealed record ApiKeyLedgerView(string? Unexplained, string? RevokedBy);
