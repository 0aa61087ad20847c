using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;

namespace AuditPortal.Data.Retention;

/// <summary>
/// A <c>retention.applied</c> event: the portal purged the content (and salt) of the events in
/// <see cref="Ranges"/>, in the same transaction as this event, under a policy in force or a confirmed
/// erasure request. Envelopes are never deleted; this event is what makes a missing content row
/// legitimate to <c>verify</c>.
/// </summary>
/// <param name="PolicyId">The policy, for a purge by policy.</param>
/// <param name="PolicyVersion">The sequence of the event that put that version of the policy in force.</param>
/// <param name="ErasureId">The confirmed erasure request, for a purge by erasure.</param>
public sealed record RetentionTombstone(long Sequence, DateTime AppliedAtUtc, string? PolicyId, long? PolicyVersion, int? Days,
    string? ErasureId, string? Subject, IReadOnlyList<(long First, long Last)> Ranges)
{
    public long Count => SequenceRanges.Count(Ranges);

    /// <summary>Who or what authorised it, for reports.</summary>
    public string Authority => PolicyId is not null ? $"policy {PolicyId}" : $"erasure {ErasureId}";

    /// <summary>What purged the content, as pages and evidence packs say it.</summary>
    public string Describe() => PolicyId is not null ? $"retention policy {PolicyId} ({Days} days)" : $"the erasure request for {Subject}";

    /// <summary>The whole sentence, as the API and the timeline give it: what purged the content, on which day (UTC), under which tombstone.</summary>
    public string Purged() => string.Create(CultureInfo.InvariantCulture, $"purged under {Describe()} on {AppliedAtUtc:yyyy-MM-dd} (tombstone {Sequence})");

    public bool Covers(long sequence)
    {
        var lo = 0;
        var hi = Ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (sequence < Ranges[mid].First) hi = mid - 1;
            else if (sequence > Ranges[mid].Last) lo = mid + 1;
            else return true;
        }
        return false;
    }

    public static JsonObject PolicyAttributes(RetentionPolicy policy, IReadOnlyList<long> sequences) => new()
    {
        ["reason"] = "policy", ["policy"] = policy.Id, ["version"] = policy.Version.ToString(CultureInfo.InvariantCulture),
        ["days"] = policy.Days.ToString(CultureInfo.InvariantCulture), ["ranges"] = SequenceRanges.Format(sequences),
        ["count"] = sequences.Count.ToString(CultureInfo.InvariantCulture),
    };

    public static JsonObject ErasureAttributes(ErasureRequest erasure, IReadOnlyList<long> sequences) => new()
    {
        ["reason"] = "erasure", ["erasure"] = erasure.Id, ["subject"] = erasure.Subject, ["reference"] = erasure.Reference,
        ["ranges"] = SequenceRanges.Format(sequences), ["count"] = sequences.Count.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The tombstone in a <c>retention.applied</c> event the portal submitted, or null (any other event, or a malformed one).</summary>
    public static RetentionTombstone? From(ProjectedEvent e)
    {
        if (e.Type != RetentionLedger.AppliedType || e.SubmittedBy != PortalAccount.Recorder) return null;
        string? Get(string key) => e.Attributes.GetValueOrDefault(key);
        if (SequenceRanges.Parse(Get("ranges")) is not { } ranges || ranges[^1].Last >= e.Sequence) return null;
        return Get("reason") switch
        {
            "policy" when Get("policy") is { } policy && long.TryParse(Get("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                && int.TryParse(Get("days"), NumberStyles.None, CultureInfo.InvariantCulture, out var days) =>
                new RetentionTombstone(e.Sequence, e.OccurredAtUtc, policy, version, days, null, null, ranges),
            "erasure" when Get("erasure") is { } erasure && Get("subject") is { } subject =>
                new RetentionTombstone(e.Sequence, e.OccurredAtUtc, null, null, null, erasure, subject, ranges),
            _ => null,
        };
    }
}
