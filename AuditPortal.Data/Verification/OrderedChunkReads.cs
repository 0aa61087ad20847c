using System.Runtime.CompilerServices;

namespace AuditPortal.Data.Verification;

/// <summary>
/// The log's chunks in order, read by one or more <see cref="ChunkReader"/>s at once. With several
/// (PostgreSQL: connections sharing one snapshot, <see cref="SnapshotSiblings"/>), the window after
/// the one being read is asked for at the same time, on the guess that windows are full: on an intact
/// ledger each holds exactly one chunk, and then several server backends work at once. The first chunk
/// that does not end where the next window starts (the end of the log, or entries someone deleted)
/// ends the guessing: the reads under way are dropped, and the rest is read one chunk after the other
/// from where that chunk ended, as a single reader does. Either way the caller gets the same chunks.
/// </summary>
internal sealed class OrderedChunkReads(IReadOnlyList<ChunkReader> readers, int chunkSize, ChunkBufferPool buffers)
{
    /// <remarks>
    /// Each reader has at most one read under way: reader k reads windows k, k + n, k + 2n…, and the
    /// window n before a reader's next one has been taken off the queue by then. Every read is awaited
    /// before the enumeration ends, however it ends, so the connections are idle again for the caller.
    /// </remarks>
    public async IAsyncEnumerable<Chunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var underWay = new Queue<(long Start, Task<Chunk?> Read)>();
        var guessing = readers.Count > 1;
        var (next, turn, sealedUpTo) = (0L, 0, 0L);
        try
        {
            while (true)
            {
                while (underWay.Count < (guessing ? readers.Count : 1))
                {
                    var (start, reader) = (next, readers[turn++ % readers.Count]);
                    // Task.Run: a read is synchronous (ChunkReader.Read) and keeps its thread until done.
                    underWay.Enqueue((start, Task.Run(() => reader.Read(start, cancellationToken), CancellationToken.None)));
                    next += chunkSize;
                }
                var (asked, read) = underWay.Dequeue();
                if (await read is not { } chunk) yield break;
                var end = chunk.Entries[^1].Sequence + 1;
                if (end != asked + chunkSize)
                {
                    guessing = false;
                    await DropAsync(underWay);
                }
                if (!guessing) next = end;
                // Seals are chained in the order of their ends (LedgerVerifier.AdvanceSeal): one that ends
                // at or before the last seal taken cannot continue the chain, and is left out as it always was.
                chunk.Seals.RemoveAll(seal => seal.TreeSize <= sealedUpTo);
                if (chunk.Seals.Count > 0) sealedUpTo = chunk.Seals[^1].TreeSize;
                yield return chunk;
            }
        }
        finally
        {
            await DropAsync(underWay);
        }
    }

    /// <summary>Waits for reads whose chunks are not wanted, whatever they end in, and takes their buffers back.</summary>
    private async Task DropAsync(Queue<(long Start, Task<Chunk?> Read)> reads)
    {
        while (reads.TryDequeue(out var dropped))
        {
            try
            {
                if (await dropped.Read is { } chunk) buffers.Return(chunk.Buffers);
            }
            catch (Exception)
            {
                // A guess that failed does not matter: its window is read again, or not needed.
            }
        }
    }
}
