using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;

namespace AuditPortal.Features.Events;

/// <summary>
/// Checks, on the server, that the event page's envelope is in the latest signed checkpoint: the note's signature
/// with the portal's public verifier key, then the root recomputed from the envelope's own leaf hash and the audit
/// path (RFC 9162 §2.1.3.2, <see cref="MerkleProofs.VerifyInclusion(long, long, ReadOnlySpan{byte}, IReadOnlyList{byte[]}, ReadOnlySpan{byte})"/>).
/// The leaf hash is computed from the envelope bytes shown on the page, not taken from the row, so the badge
/// vouches for what the reviewer reads.
/// </summary>
public static class EventProofCheck
{
    /// <param name="verifier">The public key only: the check is one anyone holding the verifier key could repeat.</param>
    /// <param name="origin">The log's name, which a checkpoint of this log carries.</param>
    /// <param name="cadence">Checkpoints:Interval, to say when an entry not yet covered will be.</param>
    public static async Task<EventProof> VerifyAsync(EventDetail detail, ProofService proofs, NoteVerifier verifier, string origin,
        TimeSpan cadence, ActorRef reader, string via, CancellationToken cancellationToken)
    {
        var note = await proofs.LatestCheckpointAsync(cancellationToken);
        if (note is null) return EventProof.NotYet(null, cadence);

        Checkpoint checkpoint;
        SignedNote signed;
        try
        {
            signed = SignedNote.Parse(note);
            checkpoint = Checkpoint.ParseNoteText(signed.Text);
        }
        catch (FormatException e)
        {
            return EventProof.Failed(null, null, [new ProofFailure(ProofFailureKind.Signature, $"the latest checkpoint is not a readable signed note ({e.Message})")]);
        }
        var failures = new List<ProofFailure>();
        if (!signed.IsSignedBy(verifier))
            failures.Add(new ProofFailure(ProofFailureKind.Signature, $"the checkpoint's signature does not verify with the portal's key {verifier.Name}"));
        if (checkpoint.Origin != origin)
            failures.Add(new ProofFailure(ProofFailureKind.Signature, $"the checkpoint is for the log \"{checkpoint.Origin}\", not \"{origin}\""));
        if (detail.Sequence >= checkpoint.TreeSize && failures.Count == 0) return EventProof.NotYet(checkpoint.TreeSize, cadence);

        var root = Convert.ToHexStringLower(checkpoint.RootHash);
        if (detail.Sequence >= checkpoint.TreeSize) return EventProof.Failed(checkpoint.TreeSize, root, failures);
        var errors = new FieldErrors();
        var proof = await proofs.InclusionAsync(detail.Sequence, checkpoint.TreeSize, reader, via, errors, cancellationToken);
        if (proof is null)
        {
            // The checkpoint claims a size the log's seals do not reach: the database lost entries the key vouched for.
            failures.Add(new ProofFailure(ProofFailureKind.RootMismatch,
                $"no audit path: {string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => $"{e.Key} {m}")))}"));
            return EventProof.Failed(checkpoint.TreeSize, root, failures);
        }

        var envelopeLeaf = MerkleHash.Leaf(detail.Envelope);
        if (!Convert.ToHexStringLower(envelopeLeaf).Equals(proof.LeafHash, StringComparison.Ordinal))
            failures.Add(new ProofFailure(ProofFailureKind.LeafHashDiffers,
                $"the leaf hash stored for this entry ({proof.LeafHash}) is not the hash of its envelope ({Convert.ToHexStringLower(envelopeLeaf)})"));
        var check = MerkleProofs.VerifyInclusion(proof.LeafIndex, proof.TreeSize, envelopeLeaf, [.. proof.Path.Select(Convert.FromHexString)],
            checkpoint.RootHash);
        if (!check.IsValid)
            failures.Add(new ProofFailure(ProofFailureKind.RootMismatch,
                $"the root recomputed from this envelope and its audit path is not the checkpoint's root ({check.Reason})"));

        return failures.Count == 0
            ? new EventProof(EventProofStatus.Verified, checkpoint.TreeSize, root, proof.Path, [], null)
            : EventProof.Failed(checkpoint.TreeSize, root, failures) with { Path = proof.Path };
    }
}

public enum EventProofStatus
{
    Verified,
    /// <summary>No signed checkpoint covers the entry yet; one will within the checkpoint interval.</summary>
    NotYetCheckpointed,
    Failed,
}

/// <summary>What did not check: the checkpoint's signature, the recomputed root, or the leaf hash against the envelope.</summary>
public enum ProofFailureKind
{
    Signature,
    RootMismatch,
    LeafHashDiffers,
}

public sealed record ProofFailure(ProofFailureKind Kind, string Detail);

/// <param name="CheckpointSize">The latest checkpoint's tree size, or null before the first.</param>
/// <param name="RootHash">Its root hash (lowercase hex).</param>
/// <param name="Path">The audit path used (lowercase hex), empty when none was computed.</param>
/// <param name="NextCheckpointWithin">For an entry not yet covered: the checkpoint interval within which one is signed.</param>
public sealed record EventProof(EventProofStatus Status, long? CheckpointSize, string? RootHash, IReadOnlyList<string> Path,
    IReadOnlyList<ProofFailure> Failures, TimeSpan? NextCheckpointWithin)
{
    internal static EventProof NotYet(long? size, TimeSpan cadence) => new(EventProofStatus.NotYetCheckpointed, size, null, [], [], cadence);

    internal static EventProof Failed(long? size, string? root, IReadOnlyList<ProofFailure> failures) =>
        new(EventProofStatus.Failed, size, root, [], failures, null);
}
