using AuditPortal.Data.Canonical;
using AuditPortal.Data.Retention;

namespace AuditPortal.Features.Events;

/// <summary>
/// What purged an event's content, as <c>GET /api/v1/events?includeContent=true</c> gives it beside
/// <c>contentPurged</c>: the retention tombstone that covers the event, or <c>reason: "none"</c> when
/// none does. The portal never deletes content without a tombstone, so "none" means tampering or a
/// lost row; <c>verify</c> names it.
/// </summary>
/// <param name="Reason"><c>policy</c>, <c>erasure</c>, or <c>none</c> (no tombstone covers the missing content).</param>
/// <param name="Policy">The retention policy's id, for a purge by policy.</param>
/// <param name="PolicyVersion">The sequence of the event that put that version of the policy in force.</param>
/// <param name="Days">The policy's retention period in days.</param>
/// <param name="Erasure">The confirmed erasure request's id, for a purge by erasure.</param>
/// <param name="PurgedAt">When the tombstone was written (RFC 3339, UTC).</param>
/// <param name="Tombstone">The sequence of the <c>retention.applied</c> event that purged it.</param>
/// <param name="Description">The same in words, as the timeline, the event page and evidence packs say it.</param>
public sealed record ContentPurge(string Reason, string? Policy, long? PolicyVersion, int? Days, string? Erasure, string? PurgedAt, long? Tombstone,
    string Description)
{
    public const string NoTombstone = "content missing, and no retention tombstone covers it: tampering or a lost row (run verify)";

    public static ContentPurge From(RetentionTombstone? tombstone) => tombstone is null
        ? new("none", null, null, null, null, null, null, NoTombstone)
        : new(tombstone.PolicyId is null ? "erasure" : "policy", tombstone.PolicyId, tombstone.PolicyVersion, tombstone.Days, tombstone.ErasureId,
            Timestamps.ToCanonical(tombstone.AppliedAtUtc), tombstone.Sequence, tombstone.Purged());
}
