using System.Data.Common;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Signing;
using AuditPortal.Features.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Integrity;

/// <summary>
/// Signs a C2SP checkpoint for the latest sealed tree head, stores it and writes it to the anchor
/// directory. Safe to run on every instance: a checkpoint for a size another instance already
/// published is simply skipped.
/// </summary>
public sealed partial class CheckpointPublisher(
    IDbContextFactory<LedgerDbContext> factory,
    SigningKeyHolder keys,
    LedgerLocation location,
    TimeProvider time,
    ILogger<CheckpointPublisher> logger)
{
    private readonly AnchorDirectory _anchors = new(location.AnchorDirectory);

    /// <summary>Publishes a checkpoint if the log grew since the last one; returns the size of the latest checkpoint (0: none).</summary>
    public async Task<long> PublishAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.Seals.AsNoTracking().OrderByDescending(s => s.TreeSize)
            .Select(s => new { s.TreeSize, s.RootHash }).FirstOrDefaultAsync(cancellationToken);
        if (head is null) return 0;
        var last = await db.Checkpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize, cancellationToken) ?? 0;
        if (head.TreeSize <= last)
        {
            await AnchorAsync(db, last, cancellationToken);
            return last;
        }

        var note = SignedNote.Sign(new Checkpoint(location.Origin, head.TreeSize, head.RootHash).ToNoteText(), keys.Signer);
        db.Checkpoints.Add(new CheckpointRecord
        {
            TreeSize = head.TreeSize,
            RootHash = head.RootHash,
            Note = note,
            KeyId = keys.Signer.KeyId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is DbException)
        {
            // Another instance published this size first; its checkpoint is as good as ours.
            return head.TreeSize;
        }
        await _anchors.WriteAsync(head.TreeSize, note, cancellationToken);
        LogPublished(logger, head.TreeSize);
        return head.TreeSize;
    }

    /// <summary>Makes sure the latest stored checkpoint also exists as an anchor file (e.g. after a crash between the two writes).</summary>
    private async Task AnchorAsync(LedgerDbContext db, long size, CancellationToken cancellationToken)
    {
        if (size == 0 || File.Exists(Path.Combine(_anchors.Path, AnchorDirectory.FileName(size)))) return;
        var note = await db.Checkpoints.AsNoTracking().Where(c => c.TreeSize == size).Select(c => c.Note).SingleAsync(cancellationToken);
        await _anchors.WriteAsync(size, note, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published checkpoint at tree size {Size}")]
    private static partial void LogPublished(ILogger logger, long size);
}
