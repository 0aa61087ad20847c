namespace AuditPortal.Data.Retention;

public static class RetentionRules
{
    /// <summary>A proposal no second admin confirmed within this time lapses.</summary>
    public static readonly TimeSpan ProposalLifetime = TimeSpan.FromDays(7);
}
