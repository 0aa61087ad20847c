using AuditPortal.Data.Ledger;

namespace AuditPortal.Ledger.Writing;

/// <summary>A validated event with what the prompt rules need to know about it.</summary>
/// <param name="Path">Its place in the request, e.g. "events[3]", for error messages.</param>
public sealed record IncomingEvent(EventDraft Draft, PromptReference? Prompt, string Path)
{
    /// <summary>
    /// Writes the read-model rows this event is the origin of (an API key's row), in the append
    /// transaction, once the event is accepted; a resend that is answered as a duplicate does not run it.
    /// </summary>
    public Func<LedgerDbContext, CancellationToken, Task>? Project { get; init; }

    /// <summary>For a retention tombstone: what it purges, so the retention rule can refuse a purge that is no longer valid.</summary>
    public PurgeClaim? Purge { get; init; }
}

/// <summary>The prompt version an event creates, decides on, publishes or used.</summary>
public sealed record PromptReference(string Name, int Version, int? ParentVersion = null);
