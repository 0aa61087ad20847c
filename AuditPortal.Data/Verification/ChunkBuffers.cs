using System.Collections.Concurrent;

namespace AuditPortal.Data.Verification;

/// <summary>
/// What one chunk is read into, kept for a later chunk once the verifier is done with this one. A
/// chunk's lists are 3.5 MB at 8,192 entries: allocated fresh for each, they were half of a run's
/// allocation, all of it on the large object heap, and a gen 2 collection every few chunks
/// (docs/benchmarks.md).
/// </summary>
internal sealed class ChunkBuffers(int chunkSize)
{
    public ByteArena Arena { get; } = new();
    public List<EntryRow> Entries { get; } = new(chunkSize);
    public List<NodeRow> Nodes { get; } = new(chunkSize);

    public void Reset()
    {
        Arena.Reset();
        Entries.Clear();
        Nodes.Clear();
    }
}

/// <summary>
/// Chunk buffers handed back by whoever is last done with a chunk. A pool rather than a fixed turn:
/// with reads running ahead on several connections, and some of them dropped, no fixed count of
/// reads says when a chunk is done with.
/// </summary>
internal sealed class ChunkBufferPool(int chunkSize)
{
    private readonly ConcurrentQueue<ChunkBuffers> _free = new();

    public ChunkBuffers Rent()
    {
        if (!_free.TryDequeue(out var buffers)) return new ChunkBuffers(chunkSize);
        buffers.Reset();
        return buffers;
    }

    public void Return(ChunkBuffers buffers) => _free.Enqueue(buffers);
}
