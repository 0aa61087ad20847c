using System.Runtime.CompilerServices;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Which events' content a policy or an erasure request purges now, and which a legal hold keeps: the
/// enforcer's batches and the page's dry run come from here, so both decide exactly as
/// <see cref="PurgeAuthority"/> (and so <c>verify</c>) will judge the purge. The database narrows by the
/// copy columns (each checked by <c>verify</c> against the envelope); the rules then run on each row.
/// </summary>
public sealed class RetentionCandidates(IDbContextFactory<LedgerDbContext> factory)
{
    private const int Chunk = 5_000;

    /// <summary>Up to <paramref name="limit"/> sequences after <paramref name="after"/> to purge under the policy, and how many rows the holds kept meanwhile.</summary>
    public Task<CandidateBatch> NextAsync(RetentionState state, RetentionPolicy policy, DateTime nowUtc, long after, int limit, CancellationToken cancellationToken) =>
        TakeAsync(Governed(state, policy, nowUtc, after, cancellationToken), after, limit);

    /// <summary>Up to <paramref name="limit"/> sequences after <paramref name="after"/> of the subject's events with content, and how many the holds kept.</summary>
    public Task<CandidateBatch> NextAsync(RetentionState state, ErasureRequest erasure, long after, int limit, CancellationToken cancellationToken) =>
        TakeAsync(Governed(state, erasure, after, cancellationToken), after, limit);

    /// <summary>How many events' content the policy would purge now, and how many the holds keep: counted, not listed.</summary>
    public Task<(long Purge, long Held)> CountAsync(RetentionState state, RetentionPolicy policy, DateTime nowUtc, CancellationToken cancellationToken) =>
        CountAsync(Governed(state, policy, nowUtc, -1, cancellationToken));

    /// <summary>How many of the subject's events' content the erasure would purge now, and how many the holds keep.</summary>
    public Task<(long Purge, long Held)> CountAsync(RetentionState state, ErasureRequest erasure, CancellationToken cancellationToken) =>
        CountAsync(Governed(state, erasure, -1, cancellationToken));

    private IAsyncEnumerable<(long Sequence, bool Held)> Governed(RetentionState state, RetentionPolicy policy, DateTime nowUtc, long after,
        CancellationToken cancellationToken)
    {
        var cutoff = nowUtc.AddDays(-policy.Days);
        var scope = policy.Scope;
        return ScanAsync(
            entries => entries.Where(e => e.OccurredAt < cutoff)
                .Where(e => scope.Type == null || e.Type == scope.Type)
                .Where(e => scope.Application == null || e.Application == scope.Application)
                .Where(e => scope.Model == null || e.Model == scope.Model),
            facts => state.PolicyFor(facts.Type, facts.Application, facts.Model)?.Id == policy.Id,
            state, after, cancellationToken);
    }

    private IAsyncEnumerable<(long Sequence, bool Held)> Governed(RetentionState state, ErasureRequest erasure, long after, CancellationToken cancellationToken)
    {
        var subject = erasure.Subject;
        return ScanAsync(entries => entries.Where(e => e.ActorId == subject), _ => true, state, after, cancellationToken);
    }

    private static async Task<CandidateBatch> TakeAsync(IAsyncEnumerable<(long Sequence, bool Held)> governed, long after, int limit)
    {
        var purge = new List<long>();
        var held = 0L;
        var position = after;
        await foreach (var (sequence, isHeld) in governed)
        {
            if (purge.Count == limit) return new CandidateBatch(purge, held, Done: false, position);
            position = sequence;
            if (isHeld) held++;
            else purge.Add(sequence);
        }
        return new CandidateBatch(purge, held, Done: true, position);
    }

    private static async Task<(long Purge, long Held)> CountAsync(IAsyncEnumerable<(long Sequence, bool Held)> governed)
    {
        long purge = 0, held = 0;
        await foreach (var (_, isHeld) in governed)
        {
            if (isHeld) held++;
            else purge++;
        }
        return (purge, held);
    }

    /// <summary>The events with content after <paramref name="after"/>, in sequence order, that the policy or erasure governs, each with whether a hold keeps it.</summary>
    private async IAsyncEnumerable<(long Sequence, bool Held)> ScanAsync(
        Func<IQueryable<Data.Ledger.Model.LedgerEntry>, IQueryable<Data.Ledger.Model.LedgerEntry>> narrow, Func<PurgedEventFacts, bool> governs,
        RetentionState state, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var position = after;
        while (true)
        {
            var from = position;
            var rows = await narrow(db.Entries.AsNoTracking())
                .Where(e => e.Sequence > from && db.Contents.Any(c => c.Sequence == e.Sequence))
                .OrderBy(e => e.Sequence).Take(Chunk)
                .Select(e => new PurgedEventFacts(e.Sequence, e.Type, e.Application, e.Model, e.ActorId, e.PromptName, e.OccurredAt))
                .ToListAsync(cancellationToken);
            foreach (var facts in rows)
            {
                position = facts.Sequence;
                if (governs(facts)) yield return (facts.Sequence, state.HoldsOn(facts.ActorId, facts.Application, facts.PromptName, facts.OccurredAtUtc).Any());
            }
            if (rows.Count < Chunk) yield break;
        }
    }
}

/// <param name="Done">No candidates after <paramref name="Position"/>.</param>
/// <param name="Position">The last sequence looked at: where the next batch starts.</param>
public sealed record CandidateBatch(IReadOnlyList<long> Purge, long Held, bool Done, long Position);
