using AuditPortal.Data.Ledger;
using AuditPortal.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Integrity;

/// <summary>What the integrity page shows: recent checkpoints, the anchors kept outside the database, the verifier key.</summary>
public sealed class IntegrityStatus(IDbContextFactory<LedgerDbContext> factory, LedgerLocation location, SigningKeyHolder keys)
{
    public const int RecentCheckpoints = 20;

    public async Task<IntegritySnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var checkpoints = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).Take(RecentCheckpoints)
            .Select(c => new { c.TreeSize, c.CreatedAt, c.RootHash }).ToListAsync(cancellationToken);
        var count = await db.Checkpoints.CountAsync(cancellationToken);
        var anchors = Anchors();
        return new IntegritySnapshot(
            [.. checkpoints.Select(c => new CheckpointRow(c.TreeSize, DateTime.SpecifyKind(c.CreatedAt, DateTimeKind.Utc), Convert.ToHexStringLower(c.RootHash)))],
            count, anchors.Count, anchors.Largest, location.AnchorDirectory, keys.Signer.Verifier.ToString());
    }

    /// <summary>Counts anchor files by name only; their contents are the verifier's business.</summary>
    private (int Count, long? Largest) Anchors()
    {
        if (!Directory.Exists(location.AnchorDirectory)) return (0, null);
        var sizes = Directory.EnumerateFiles(location.AnchorDirectory, "checkpoint-*.txt")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f)["checkpoint-".Length..], out var size) ? size : (long?)null)
            .Where(s => s is not null).ToList();
        return (sizes.Count, sizes.Max());
    }
}

public sealed record IntegritySnapshot(IReadOnlyList<CheckpointRow> Checkpoints, int CheckpointCount, int AnchorCount, long? LargestAnchor,
    string AnchorDirectory, string VerifierKey);

public sealed record CheckpointRow(long TreeSize, DateTime CreatedAt, string RootHash);
