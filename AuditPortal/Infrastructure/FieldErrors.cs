namespace AuditPortal.Infrastructure;

/// <summary>
/// Validation errors keyed by the offending field's path, e.g. "events[3].occurredAt" (RFC 9457 "errors").
/// Only the first <see cref="MaxListed"/> are kept; the rest are counted. A hostile batch (1000 events
/// of 1,380 unknown fields each) would otherwise hold over a million messages and answer with a
/// problem body seven times its own size.
/// </summary>
public sealed class FieldErrors
{
    public const int MaxListed = 100;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private int _listed;

    public bool Any => Count > 0;

    /// <summary>Every error found, listed or not.</summary>
    public int Count { get; private set; }

    /// <summary>True when more errors were found than are listed.</summary>
    public bool Truncated => Count > _listed;

    public void Add(string path, string message)
    {
        Count++;
        if (_listed == MaxListed) return;
        _listed++;
        if (!_errors.TryGetValue(path, out var list)) _errors[path] = list = [];
        list.Add(message);
    }

    /// <summary>The listed errors, at most <see cref="MaxListed"/> messages.</summary>
    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
