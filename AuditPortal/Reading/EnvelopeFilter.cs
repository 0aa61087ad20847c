using AuditPortal.Data.Ledger;

namespace AuditPortal.Reading;

/// <summary>
/// Evaluates an <see cref="EventQuery"/> on what a signed envelope says, not on the copy columns the
/// database selected it by (issue 6 §1): a DBA who edits <c>actor_id</c> or <c>model</c> can make a
/// row turn up under a filter, but cannot make its envelope match that filter.
/// </summary>
public static class EnvelopeFilter
{
    /// <returns>Null when the envelope matches, else the name of the first filter (or "envelope", "sequence") it does not.</returns>
    public static string? FirstDisagreement(EventQuery query, long rowSequence, ReadOnlySpan<byte> envelope, EnvelopeFacts? facts)
    {
        if (facts is null) return "envelope";
        if (facts.Sequence != rowSequence) return "sequence";
        if (query.Actor is not null && !SameActor(query.Actor, facts.ActorId)) return "actor";
        if (query.Type is not null && !string.Equals(query.Type, facts.Type, StringComparison.Ordinal)) return "type";
        if (query.Application is not null && !string.Equals(query.Application, facts.Application, StringComparison.Ordinal)) return "application";
        if (query.Model is not null && !string.Equals(query.Model, facts.Model, StringComparison.Ordinal)) return "model";
        if (query.Prompt is not null && !string.Equals(query.Prompt, facts.PromptName, StringComparison.Ordinal)) return "prompt";
        if (query.PromptVersion is not null && query.PromptVersion != facts.PromptVersion) return "promptVersion";
        if (query.FromUtc is { } from && !AsStored(facts.OccurredAtUtc).Any(t => t >= from)) return "from";
        if (query.ToUtc is { } to && !AsStored(facts.OccurredAtUtc).Any(t => t <= to)) return "to";
        if (query.Cursor is { } c && !AsStored(facts.OccurredAtUtc).Any(t => t < c.OccurredAtUtc || (t == c.OccurredAtUtc && facts.Sequence < c.Sequence)))
            return "cursor";
        if (query.Text is not null && !EnvelopeSearchText.Of(envelope).Contains(query.Text.ToLowerInvariant(), StringComparison.Ordinal)) return "q";
        return null;
    }

    /// <summary>The filter is normalised; so are ingested ids, but normalising the envelope's too keeps the two forms one.</summary>
    private static bool SameActor(string filter, string envelopeActor) =>
        string.Equals(filter, envelopeActor, StringComparison.Ordinal)
        || (ActorIds.TryNormalize(envelopeActor, out var normalized, out _) && string.Equals(filter, normalized, StringComparison.Ordinal));

    /// <summary>
    /// The envelope's time and the same time at microseconds, PostgreSQL's finest: the copy column of an
    /// honest row may hold either, and a time filter or cursor compares against that column.
    /// </summary>
    private static DateTime[] AsStored(DateTime occurredAt) =>
        [occurredAt, new DateTime(occurredAt.Ticks - occurredAt.Ticks % 10, DateTimeKind.Utc)];
}
