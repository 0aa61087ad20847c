namespace AuditPortal.Redaction;

/// <summary>The configured detectors in the order they run, and the key for <see cref="RedactionAction.Hash"/> (empty when no detector hashes).</summary>
public sealed record RedactionPlan(IReadOnlyList<(PiiDetector Detector, RedactionAction Action)> Steps, ReadOnlyMemory<byte> HashKey)
{
    public static readonly RedactionPlan None = new([], ReadOnlyMemory<byte>.Empty);

    /// <param name="detectors">Detector name → action, as configured (names and actions are case-insensitive).</param>
    /// <param name="hashKey">Read only when some detector hashes.</param>
    public static RedactionPlan From(IReadOnlyDictionary<string, string> detectors, Func<ReadOnlyMemory<byte>> hashKey)
    {
        var configured = detectors.ToDictionary(d => d.Key.ToLowerInvariant(), d => Enum.Parse<RedactionAction>(d.Value, ignoreCase: true));
        var steps = PiiDetectors.All.Where(d => configured.ContainsKey(d.Name)).Select(d => (d, configured[d.Name])).ToList();
        return new RedactionPlan(steps, steps.Any(s => s.Item2 == RedactionAction.Hash) ? hashKey() : ReadOnlyMemory<byte>.Empty);
    }
}
