namespace AuditPortal.Data.Verification;

/// <summary>The outcome of a full check: what was covered, and the first failure if any.</summary>
public sealed record VerificationResult(long Entries, int Seals, int Checkpoints, int AnchoredCheckpoints,
    IReadOnlyList<VerificationFailure> Failures)
{
    public bool Intact => Failures.Count == 0;

    /// <summary>The failure at the lowest position: where an investigation should start.</summary>
    public VerificationFailure? FirstFailure => Failures.OrderBy(f => f.Position).ThenBy(f => f.Kind).FirstOrDefault();

    public string Summary() =>
        $"entries={Entries} seals={Seals} checkpoints={Checkpoints} anchored={AnchoredCheckpoints} result={(Intact ? "intact" : "TAMPERED")}";
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
    SearchIndex,
}
