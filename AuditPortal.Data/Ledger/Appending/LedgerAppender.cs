using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// Appends entries under the database's append lock: reads the tree size and right edge inside the
/// transaction, assigns gapless positions, writes envelopes, contents and tree nodes, and seals the
/// transaction with the ledger key. The caller owns the transaction and commits it; only then may
/// anything be acknowledged.
/// </summary>
public sealed class LedgerAppender(NoteSigner signer, TimeProvider time)
{
    private readonly Lock _cacheLock = new();
    private (long Size, byte[] Root, CompactRange Tree)? _cache;

    public string Origin => signer.Name;

    /// <summary>
    /// The whole append, in the one order that keeps the log consistent, for the portal's writer and
    /// for anything else that appends: the database's append lock and transaction; the tree edge; the
    /// caller's events and projections (<paramref name="fill"/> adds them to the batch and may refuse
    /// some); envelopes, contents, tree nodes and the seal; the projections saved; commit. Only after
    /// the commit may the caller acknowledge anything.
    /// </summary>
    public async Task<AppendBatch> AppendAsync(LedgerDbContext db, Func<AppendBatch, Task> fill, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginAppendTransactionAsync(cancellationToken);
        var batch = await BeginAsync(db, cancellationToken);
        await fill(batch);
        await WriteAsync(batch, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Committed(batch);
        return batch;
    }

    private async Task<AppendBatch> BeginAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var head = await db.Seals.AsNoTracking()
            .OrderByDescending(s => s.TreeSize)
            .Select(s => new { s.TreeSize, s.RootHash })
            .FirstOrDefaultAsync(cancellationToken);
        var size = head?.TreeSize ?? 0;
        var tree = CachedTree(size, head?.RootHash) ?? await LoadTreeAsync(db, size, cancellationToken);
        if (head is not null && !tree.Root().AsSpan().SequenceEqual(head.RootHash))
            throw new LedgerCorruptException(
                $"The stored tree edge does not match the last seal at size {size}; run `verify` before appending.");
        // Microseconds: the finest time every provider stores (PostgreSQL), so a recorded time read back
        // from any database renders the same envelope bytes again.
        var now = time.GetUtcNow().UtcDateTime;
        return new AppendBatch(db, tree, new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc));
    }

    /// <summary>Writes the batch and its seal in the open transaction.</summary>
    private async Task WriteAsync(AppendBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        batch.Render();
        var db = batch.Db;
        await BulkInsert.InsertAsync(db, batch.Entries, cancellationToken);
        await BulkInsert.InsertAsync(db, batch.Contents, cancellationToken);
        await BulkInsert.InsertAsync(db, batch.Nodes, cancellationToken);

        var leafHashes = new byte[batch.Count * MerkleHash.Size];
        for (var i = 0; i < batch.Count; i++) batch.Entries[i].LeafHash.CopyTo(leafHashes, i * MerkleHash.Size);
        var root = batch.Tree.Root();
        var statement = new SealStatement(Origin, batch.FirstSequence, batch.NextSequence, root, leafHashes);
        var seal = new LedgerSeal
        {
            TreeSize = batch.NextSequence,
            FirstSequence = batch.FirstSequence,
            RootHash = root,
            LeafHashes = leafHashes,
            KeyId = signer.KeyId,
            Signature = signer.Sign(statement.ToBytes()),
            SealedAt = batch.RecordedAtUtc,
        };
        await BulkInsert.InsertAsync(db, [seal], cancellationToken);
    }

    /// <summary>After the transaction committed, so the next batch can skip reloading the tree edge.</summary>
    private void Committed(AppendBatch batch)
    {
        if (batch.Count == 0) return;
        lock (_cacheLock) _cache = (batch.NextSequence, batch.Tree.Root(), batch.Tree.Clone());
    }

    private CompactRange? CachedTree(long size, byte[]? root)
    {
        lock (_cacheLock)
        {
            if (_cache is { } c && c.Size == size && root is not null && c.Root.AsSpan().SequenceEqual(root)) return c.Tree.Clone();
        }
        return null;
    }

    private static async Task<CompactRange> LoadTreeAsync(LedgerDbContext db, long size, CancellationToken cancellationToken)
    {
        var edge = CompactRange.EdgeNodes(size);
        var hashes = await TreeReader.ReadNodesAsync(db, edge, cancellationToken);
        return new CompactRange(size, edge.Select(id => hashes.TryGetValue(id, out var h)
            ? h
            : throw new LedgerCorruptException($"Tree node level {id.Level} index {id.Index} is missing.")));
    }
}

public sealed class LedgerCorruptException(string message) : Exception(message);
