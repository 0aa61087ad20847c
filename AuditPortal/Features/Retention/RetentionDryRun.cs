using AuditPortal.Data.Retention;

namespace AuditPortal.Features.Retention;

/// <summary>What enforcement would do now, without doing it: per policy and confirmed erasure, how many events' content it would purge and how many legal holds keep.</summary>
public sealed class RetentionDryRun(RetentionService retention, RetentionCandidates candidates, TimeProvider time)
{
    public async Task<IReadOnlyList<DryRunLine>> RunAsync(CancellationToken cancellationToken)
    {
        var state = await retention.StateAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var lines = new List<DryRunLine>();
        foreach (var policy in state.Policies.OrderByDescending(p => p.Scope.Specificity).ThenBy(p => p.Id, StringComparer.Ordinal))
            lines.Add(await CountAsync($"{policy.Scope}: {policy.Days} days", policy.Id,
                after => candidates.NextAsync(state, policy, now, after, int.MaxValue, cancellationToken)));
        foreach (var erasure in state.Erasures.OrderBy(e => e.Id, StringComparer.Ordinal))
            lines.Add(await CountAsync($"erasure of {erasure.Subject} ({erasure.Reference})", erasure.Id,
                after => candidates.NextAsync(state, erasure, after, int.MaxValue, cancellationToken)));
        return lines;
    }

    private static async Task<DryRunLine> CountAsync(string what, string id, Func<long, Task<CandidateBatch>> next)
    {
        var batch = await next(-1);
        return new DryRunLine(id, what, batch.Purge.Count, batch.Held);
    }
}

public sealed record DryRunLine(string Id, string What, long WouldPurge, long KeptByHolds);
