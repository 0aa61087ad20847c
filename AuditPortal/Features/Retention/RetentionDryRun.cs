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
        {
            var (purge, held) = await candidates.CountAsync(state, policy, now, cancellationToken);
            lines.Add(new DryRunLine(policy.Id, $"{policy.Scope}: {policy.Days} days", purge, held));
        }
        foreach (var erasure in state.Erasures.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            var (purge, held) = await candidates.CountAsync(state, erasure, cancellationToken);
            lines.Add(new DryRunLine(erasure.Id, $"erasure of {erasure.Subject} ({erasure.Reference})", purge, held));
        }
        return lines;
    }
}

public sealed record DryRunLine(string Id, string What, long WouldPurge, long KeptByHolds);
