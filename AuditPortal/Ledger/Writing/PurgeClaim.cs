namespace AuditPortal.Ledger.Writing;

/// <summary>
/// What a retention tombstone says it purges, for the rule that decides under the append lock whether
/// that purge is still valid (Features/Retention/RetentionAppendRule).
/// </summary>
/// <param name="Sequences">The events whose content the tombstone's transaction deletes, ascending.</param>
/// <param name="StateReadAt">The log's size when the enforcement pass read the retention state it purges under.</param>
public sealed record PurgeClaim(IReadOnlyList<long> Sequences, long StateReadAt);
