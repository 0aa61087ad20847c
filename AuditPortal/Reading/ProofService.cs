using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Reading;

/// <summary>
/// The latest checkpoint, and inclusion and consistency proofs, for the API and the event page: sizes are checked against what
/// the log has reached, and each proof handed out is recorded as an access (a leaf hash lets someone
/// who guesses an envelope confirm it).
/// </summary>
public sealed class ProofService(IDbContextFactory<LedgerDbContext> factory, AccessRecorder access)
{
    /// <summary>The latest signed checkpoint note, or null before the first. Public: anyone may check the log's head, so not an access.</summary>
    public async Task<string?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).Select(c => c.Note).FirstOrDefaultAsync(cancellationToken);
    }

    /// <param name="treeSize">Null for the latest checkpoint's size (the log's size before the first checkpoint).</param>
    /// <returns>The proof, or null with the reasons in <paramref name="errors"/> (keyed "sequence", "treeSize").</returns>
    public async Task<InclusionProof?> InclusionAsync(long sequence, long? treeSize, ActorRef reader, string via, FieldErrors errors,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var size = await TreeReader.TreeSizeAsync(db, cancellationToken);
        var effective = treeSize ?? await TreeReader.LatestCheckpointSizeAsync(db, cancellationToken) ?? size;
        if (effective < 1 || effective > size) errors.Add("treeSize", $"must be a size the log has reached (1 to {size})");
        else if (sequence >= effective) errors.Add("sequence", $"must be below treeSize {effective}");
        if (errors.Any) return null;

        await access.RecordAsync(reader, "proofs.inclusion", new Dictionary<string, string>
        {
            ["sequence"] = sequence.ToString(CultureInfo.InvariantCulture),
            ["treeSize"] = effective.ToString(CultureInfo.InvariantCulture),
            ["via"] = via,
        }, cancellationToken);
        var proof = await TreeReader.InclusionProofAsync(db, sequence, effective, cancellationToken);
        return new InclusionProof(proof.LeafIndex, proof.TreeSize, Convert.ToHexStringLower(proof.LeafHash), Convert.ToHexStringLower(proof.RootHash),
            [.. proof.Path.Select(Convert.ToHexStringLower)]);
    }

    /// <returns>The proof, or null with the reasons in <paramref name="errors"/> (keyed "from", "to").</returns>
    public async Task<ConsistencyProof?> ConsistencyAsync(long from, long to, ActorRef reader, string via, FieldErrors errors,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var size = await TreeReader.TreeSizeAsync(db, cancellationToken);
        if (from < 1) errors.Add("from", "must be at least 1 (every tree extends the empty tree)");
        if (to > size) errors.Add("to", $"must be a size the log has reached (at most {size})");
        if (from > to) errors.Add("from", "must not be greater than to");
        if (errors.Any) return null;

        await access.RecordAsync(reader, "proofs.consistency", new Dictionary<string, string>
        {
            ["from"] = from.ToString(CultureInfo.InvariantCulture),
            ["to"] = to.ToString(CultureInfo.InvariantCulture),
            ["via"] = via,
        }, cancellationToken);
        var path = await TreeReader.ConsistencyProofAsync(db, from, to, cancellationToken);
        return new ConsistencyProof(from, to, [.. path.Select(Convert.ToHexStringLower)]);
    }
}

/// <summary>All hashes lowercase hex (DESIGN.md §4).</summary>
public sealed record InclusionProof(long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Path);

public sealed record ConsistencyProof(long From, long To, IReadOnlyList<string> Path);
