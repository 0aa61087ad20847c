using AuditPortal.Data.Ledger;

namespace AuditPortal.Features.Ingestion;

/// <summary>A validated event with what the prompt rules need to know about it.</summary>
/// <param name="Path">Its place in the request, e.g. "events[3]", for error messages.</param>
public sealed record IncomingEvent(EventDraft Draft, PromptReference? Prompt, string Path);

/// <summary>The prompt version an event creates, decides on, publishes or used.</summary>
public sealed record PromptReference(string Name, int Version, int? ParentVersion = null);
