using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Verification;

/// <summary>
/// The read models are projections of the ledger (DESIGN.md §3): replays prompt lifecycle events and
/// API-key configuration changes from the envelopes of the verified entries, and names every row of
/// prompt_versions and api_keys that the replay does not produce: a forged decision, a re-scoped or
/// inserted key, a missing row, a revoked key shown active.
/// </summary>
internal static class ProjectionReplay
{
    private static readonly string[] ProjectedTypes = [.. LedgerEventTypes.PromptLifecycle, LedgerEventTypes.ConfigChanged];

    /// <param name="verifiedSize">Entries below this were checked against their seals; only they explain anything.</param>
    public static async Task<List<VerificationFailure>> CheckAsync(LedgerDbContext db, long verifiedSize, CancellationToken cancellationToken)
    {
        // The type column only narrows the read (its own copy is checked against the envelope elsewhere);
        // what counts is the type inside the envelope.
        var events = new List<ProjectedEvent>();
        var rows = db.Entries.AsNoTracking()
            .Where(e => ProjectedTypes.Contains(e.Type) && e.Sequence < verifiedSize)
            .OrderBy(e => e.Sequence)
            .Select(e => e.Envelope)
            .AsAsyncEnumerable();
        await foreach (var envelope in rows.WithCancellation(cancellationToken))
            if (ProjectedEvent.TryRead(envelope) is { } e) events.Add(e);

        var failures = new List<VerificationFailure>();
        await CheckPromptsAsync(db, events, failures, cancellationToken);
        await CheckApiKeysAsync(db, events, failures, cancellationToken);
        return failures;
    }

    private static async Task CheckPromptsAsync(LedgerDbContext db, List<ProjectedEvent> events, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        var ledger = PromptHistory.Replay(events.Where(e => LedgerEventTypes.PromptLifecycle.Contains(e.Type))).Versions;
        var rows = await db.PromptVersions.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var row in rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Version))
        {
            var key = $"prompt_versions (name \"{row.Name}\", version {row.Version})";
            if (!ledger.TryGetValue((row.Name, row.Version), out var expected))
                failures.Add(Failure($"{key}: no prompt.version.created event in the ledger (row inserted outside the portal)"));
            else if (PromptHistory.Difference(row, expected) is { } difference)
                failures.Add(Failure($"{key}: {difference}", expected.DecidedSequence ?? expected.CreatedSequence));
        }
        var stored = rows.Select(r => (r.Name, r.Version)).ToHashSet();
        foreach (var missing in ledger.Values.Where(v => !stored.Contains((v.Name, v.Version))))
            failures.Add(Failure($"prompt_versions (name \"{missing.Name}\", version {missing.Version}): the row is missing; the ledger created it at sequence {missing.CreatedSequence}",
                missing.CreatedSequence));
    }

    private static async Task CheckApiKeysAsync(LedgerDbContext db, List<ProjectedEvent> events, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        var created = new Dictionary<Guid, ProjectedEvent>();
        var revoked = new Dictionary<Guid, ProjectedEvent>();
        foreach (var e in events)
        {
            if (ApiKeyLedger.KeyChange(e) is not var (keyId, revokes)) continue;
            (revokes ? revoked : created).TryAdd(keyId, e);
        }
        var rows = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var row in rows.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var creation = created.GetValueOrDefault(row.Id);
            if (ApiKeyLedger.Unexplained(row, creation, revoked.GetValueOrDefault(row.Id)) is { } reason)
                failures.Add(Failure($"api_keys (name \"{row.Name}\", id {row.Id}): {reason}", creation?.Sequence));
        }
        var stored = rows.Select(r => r.Id).ToHashSet();
        foreach (var (keyId, creation) in created.Where(c => !stored.Contains(c.Key)))
            failures.Add(Failure($"api_keys (name \"{creation.Attributes.GetValueOrDefault("apiKey")}\", id {keyId}): the row is missing; the ledger created it at sequence {creation.Sequence}",
                creation.Sequence));
    }

    // The sequence is the ledger event the row should reflect, for context; the row itself is the fault.
    private static VerificationFailure Failure(string reason, long? sequence = null) =>
        new(FailureKind.ProjectionRow, sequence is { } s ? $"{reason} (see sequence {s})" : reason);
}
