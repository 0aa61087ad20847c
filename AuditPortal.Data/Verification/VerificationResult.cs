namespace AuditPortal.Data.Verification;

/// <summary>The outcome of a full check: what was covered, and the first failure if any.</summary>
public sealed record VerificationResult(long Entries, int Seals, int Checkpoints, int AnchoredCheckpoints,
    IReadOnlyList<VerificationFailure> Failures)
{
    public bool Intact => Failures.Count == 0;

    /// <summary>Problems that do not make the ledger fail, one line each (e.g. checkpoints without an anchor file).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Events whose content retention purged under a tombstone that explains it, by what authorised it ("policy X", "erasure Y").</summary>
    public IReadOnlyDictionary<string, long> Purged { get; init; } = new Dictionary<string, long>();

    /// <summary>The failure at the lowest position: where an investigation should start.</summary>
    public VerificationFailure? FirstFailure => Failures.OrderBy(f => f.Position).ThenBy(f => f.Kind).FirstOrDefault();

    public string Summary() =>
        $"entries={Entries} seals={Seals} checkpoints={Checkpoints} anchored={AnchoredCheckpoints} purged={Purged.Values.Sum()}"
        + (Purged.Count == 0 ? "" : $" ({string.Join(", ", Purged.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"))})")
        + $" result={(Intact ? "intact" : "TAMPERED")}";
}

/// <param name="Sequence">The first bad entry, when the failure is about an entry.</param>
/// <param name="CheckpointSize">The tree size of the checkpoint or seal at fault, when it is about one.</param>
public sealed record VerificationFailure(FailureKind Kind, string Reason, long? Sequence = null, long? CheckpointSize = null)
{
    /// <summary>Sort key: an entry's sequence, or the last entry a checkpoint covers.</summary>
    public long Position => Sequence ?? (CheckpointSize is { } size ? Math.Max(0, size - 1) : long.MaxValue);

    public override string ToString() => Sequence is { } s
        ? $"first bad sequence {s}: {Kind}: {Reason}"
        : CheckpointSize is { } c ? $"checkpoint at tree size {c}: {Kind}: {Reason}" : $"{Kind}: {Reason}";
}

public enum FailureKind
{
    MissingEntry,
    ExtraEntry,
    Order,
    LeafMismatch,
    BadCommitment,
    ContentMissing,
    NotSealed,
    SealMismatch,
    BadSeal,
    TreeNode,
    BadCheckpoint,
    CheckpointMismatch,
    Truncated,
    Unreadable,
    /// <summary>A column that reads filter on (or the search text) disagrees with the signed envelope.</summary>
    CopyColumnMismatch,
    /// <summary>Two envelopes with one (submittedBy.id, id).</summary>
    DuplicateEventId,
    /// <summary>A checkpoint without its anchor file, when anchors are required.</summary>
    MissingAnchor,
    /// <summary>A row of a read model (prompt_versions, api_keys) that the ledger's events do not explain.</summary>
    ProjectionRow,
    /// <summary>The text search index (SQLite FTS5), its definition or its high-water mark disagrees with the entries' search text or the log.</summary>
    SearchIndex,
}
