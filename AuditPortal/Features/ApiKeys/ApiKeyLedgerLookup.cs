using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.ApiKeys;

/// <summary>
/// Checks api_keys rows against their creation and revocation events, found by their derived event
/// ids through the unique event-id index: cheap enough for every authenticated request.
/// </summary>
internal static class ApiKeyLedgerLookup
{
    /// <summary>For each row, why the ledger does not explain it, or null when it does.</summary>
    public static async Task<Dictionary<Guid, string?>> UnexplainedAsync(LedgerDbContext db, IReadOnlyCollection<ApiKey> rows,
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
        return rows.ToDictionary(r => r.Id, r => ApiKeyLedger.Unexplained(r,
            changes.FirstOrDefault(c => c.Change == (r.Id, false)).Event,
            changes.FirstOrDefault(c => c.Change == (r.Id, true)).Event));
    }
}
