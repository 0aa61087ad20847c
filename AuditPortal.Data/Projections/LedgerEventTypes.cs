namespace AuditPortal.Data.Projections;

/// <summary>
/// The event types the read models are projected from. The strings are the ingestion contract's
/// (DESIGN.md §4, Features/Ingestion/EventTypes), repeated here because the ledger project cannot
/// reference the web project.
/// </summary>
public static class LedgerEventTypes
{
    public const string PromptCreated = "prompt.version.created";
    public const string PromptApproved = "prompt.version.approved";
    public const string PromptRejected = "prompt.version.rejected";
    public const string PromptPublished = "prompt.version.published";
    public const string ConfigChanged = "config.changed";

    public static readonly IReadOnlyList<string> PromptLifecycle = [PromptCreated, PromptApproved, PromptRejected, PromptPublished];
}
