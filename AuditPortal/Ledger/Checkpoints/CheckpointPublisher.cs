using System.Data.Common;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Signing;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger.Checkpoints;

/// <summary>
/// Signs a C2SP checkpoint for the latest sealed tree head, writes it to the anchor directory and
/// stores it. Safe to run on every instance: when another instance stored the same checkpoint first,
/// that is success; any other failure is reported as one.
/// <para>
/// The anchor file is written before the row, so a checkpoint that anyone can read from the database
/// (or the API) is already anchored. When the anchor directory fails, checkpoints are still stored,
/// ingestion goes on, <see cref="AnchoringStatus"/> says so, and the missing anchor files are written,
/// oldest first, as soon as the directory works again.
/// </para>
/// </summary>
public sealed partial class CheckpointPublisher(
    IDbContextFactory<LedgerDbContext> factory,
    SigningKeyHolder keys,
    LedgerLocation location,
    AnchoringStatus anchoring,
    AppendGate appendGate,
    TimeProvider time,
    ILogger<CheckpointPublisher> logger)
{
    private readonly AnchorDirectory _anchors = new(location.AnchorDirectory);

    /// <summary>Every stored checkpoint up to this size has its anchor file (null: not looked at yet).</summary>
    private long? _anchoredThrough;

    /// <summary>
    /// One publication at a time in this instance: the checkpointer and an evidence export (which asks for a
    /// checkpoint covering what it packs) would otherwise write the same anchor file at once.
    /// </summary>
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Publishes a checkpoint if the log grew since the last one; returns the size of the latest checkpoint (0: none).</summary>
    /// <exception cref="CheckpointConflictException">The database holds a different checkpoint for the same size.</exception>
    public async Task<long> PublishAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await PublishOnceAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> PublishOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.Seals.AsNoTracking().OrderByDescending(s => s.TreeSize)
            .Select(s => new { s.TreeSize, s.RootHash }).FirstOrDefaultAsync(cancellationToken);
        var last = await db.Checkpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize, cancellationToken) ?? 0;
        var anchorsWork = await AnchorStoredCheckpointsAsync(db, cancellationToken);
        if (head is null || head.TreeSize <= last) return last;

        var text = new Checkpoint(location.Origin, head.TreeSize, head.RootHash).ToNoteText();
        var note = SignedNote.Sign(text, keys.Signer);
        // Only when the backlog is written: anchors are written in order, and _anchoredThrough must not skip one.
        var anchored = anchorsWork && await TryWriteAnchorAsync(head.TreeSize, note, unanchored: 1, cancellationToken);

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
            await StoreAsync(db, cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is DbException inner && UniqueKeyViolation.Is(inner))
        {
            // Another instance stored a checkpoint for this size first: as good as ours only if it is one.
            await EnsureStoredCheckpointMatchesAsync(head.TreeSize, text, cancellationToken);
            LogPublishedElsewhere(logger, head.TreeSize);
        }
        if (anchored) _anchoredThrough = head.TreeSize;
        LogPublished(logger, head.TreeSize);
        return head.TreeSize;
    }

    /// <summary>
    /// Stores the row. On SQLite it takes a turn between two group commits (<see cref="AppendGate"/>), as the
    /// search indexer and the WAL checkpoint do: SQLite has one write lock, and a checkpoint that took it
    /// while the writer was between turns sent the writer's next BEGIN IMMEDIATE into SQLite's busy
    /// handler, which sleeps 1, 2, 5, 10 … ms, with the writer's turn held, before it tries again.
    /// </summary>
    private async Task StoreAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        if (location.Provider != LedgerProvider.Sqlite)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        using (await appendGate.EnterAsync(cancellationToken))
            await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the anchor files of stored checkpoints that have none yet (after a crash between the two
    /// writes, or while the anchor directory failed). Returns whether the directory works.
    /// </summary>
    private async Task<bool> AnchorStoredCheckpointsAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        long through;
        try
        {
            // First pass (at start-up): a directory that cannot even be created is reported before any traffic.
            if (_anchoredThrough is null) Directory.CreateDirectory(_anchors.Path);
            through = _anchoredThrough ??= _anchors.LargestTreeSize() ?? 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var stored = await db.Checkpoints.AsNoTracking().LongCountAsync(cancellationToken);
            RecordFailure(stored, e);
            return false;
        }

        var missing = await db.Checkpoints.AsNoTracking().Where(c => c.TreeSize > through).OrderBy(c => c.TreeSize)
            .Select(c => new { c.TreeSize, c.Note }).ToListAsync(cancellationToken);
        for (var i = 0; i < missing.Count; i++)
        {
            var (size, note) = (missing[i].TreeSize, missing[i].Note);
            // A row this key did not sign was put there by someone else: never copy it to the anchors (verify names it).
            if (!IsOurCheckpoint(note, size)) LogNotAnchoringForeignCheckpoint(logger, size);
            else if (!await TryWriteAnchorAsync(size, note, missing.Count - i, cancellationToken)) return false;
            _anchoredThrough = size;
        }
        if (anchoring.Succeeded()) LogAnchoringRecovered(logger, _anchors.Path, missing.Count);
        return true;
    }

    private async Task<bool> TryWriteAnchorAsync(long size, string note, long unanchored, CancellationToken cancellationToken)
    {
        try
        {
            await _anchors.WriteAsync(size, note, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RecordFailure(unanchored, e);
            return false;
        }
    }

    private void RecordFailure(long unanchored, Exception e)
    {
        if (anchoring.Failed(time.GetUtcNow(), unanchored, e)) LogAnchoringFailed(logger, _anchors.Path, e);
    }

    private bool IsOurCheckpoint(string storedNote, long size)
    {
        try
        {
            var note = SignedNote.Parse(storedNote);
            var checkpoint = Checkpoint.ParseNoteText(note.Text);
            return note.IsSignedBy(keys.Signer.Verifier) && checkpoint.Origin == location.Origin && checkpoint.TreeSize == size;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task EnsureStoredCheckpointMatchesAsync(long size, string expectedText, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Checkpoints.AsNoTracking().Where(c => c.TreeSize == size)
            .Select(c => c.Note).SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
            throw new CheckpointConflictException($"Storing the checkpoint for tree size {size} hit a duplicate key, but no checkpoint of that size is stored.");
        if (!IsOurCheckpoint(stored, size) || SignedNote.Parse(stored).Text != expectedText)
            throw new CheckpointConflictException(
                $"The database holds a different or unsigned checkpoint for tree size {size} than this ledger's head and key give; run `verify`.");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published checkpoint at tree size {Size}")]
    private static partial void LogPublished(ILogger logger, long size);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another instance stored the checkpoint at tree size {Size} first; it matches ours")]
    private static partial void LogPublishedElsewhere(ILogger logger, long size);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing checkpoints to the anchor directory {Directory} failed. Ingestion continues and checkpoints are stored in the database; " +
                  "the missing anchor files will be written once the directory works again. /health/ready reports Degraded until then")]
    private static partial void LogAnchoringFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The stored checkpoint at tree size {Size} is not signed by this ledger's key; it is not anchored. Run `verify`")]
    private static partial void LogNotAnchoringForeignCheckpoint(ILogger logger, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The anchor directory {Directory} works again; wrote {Count} missing anchor file(s)")]
    private static partial void LogAnchoringRecovered(ILogger logger, string directory, int count);
}

/// <summary>A checkpoint could not be stored because the database holds a different one for the same size.</summary>
public sealed class CheckpointConflictException(string message) : Exception(message);
