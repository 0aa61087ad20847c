namespace AuditPortal.Data.Evidence;

/// <summary>What <see cref="EvidencePackVerifier"/> found: a pass, the first failure (where and why), or why it could not run.</summary>
/// <param name="Where">The file, or the file and line or sequence, that failed (null on a pass).</param>
/// <param name="Key">The verifier key the signatures were checked with.</param>
/// <param name="KeyFromPack">True when no key was given and the pack's own verifier-key.txt was trusted.</param>
public sealed record PackVerification(PackOutcome Outcome, string? Where, string? Reason, string? Key, bool KeyFromPack, PackFacts? Facts)
{
    public static PackVerification CannotRun(string reason) => new(PackOutcome.CannotRun, null, reason, null, false, null);

    public override string ToString() => Outcome switch
    {
        PackOutcome.Passed => $"pack intact: {Facts}",
        PackOutcome.Failed => $"FAILED: {Where}: {Reason}",
        _ => $"error: {Reason}",
    };
}

public enum PackOutcome { Passed, Failed, CannotRun }

/// <summary>What a pack that passed holds.</summary>
public sealed record PackFacts(string Origin, long TreeSize, long Entries, long Contents)
{
    public override string ToString() => $"origin={Origin} treeSize={TreeSize} entries={Entries} contents={Contents}";
}
