using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>
/// The event types the read models are projected from: the ingestion contract's (DESIGN.md §4,
/// <see cref="EventTypes"/>), named once there.
/// </summary>
public static class LedgerEventTypes
{
    public const string PromptCreated = EventTypes.PromptCreated;
    public const string PromptApproved = EventTypes.PromptApproved;
    public const string PromptRejected = EventTypes.PromptRejected;
    public const string PromptPublished = EventTypes.PromptPublished;
    public const string ConfigChanged = EventTypes.ConfigChanged;

    public static readonly IReadOnlyList<string> PromptLifecycle = [PromptCreated, PromptApproved, PromptRejected, PromptPublished];
}
