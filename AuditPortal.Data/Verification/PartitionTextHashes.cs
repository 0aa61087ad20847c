using System.Buffers.Binary;
using System.Security.Cryptography;
using AuditPortal.Data.Search;

namespace AuditPortal.Data.Verification;

/// <summary>
/// The text hash of every full text search partition (<see cref="SearchIndexHashes.TextHashAsync"/>'s
/// format), computed by the entry stream from the search text it has just checked against each envelope,
/// in the stream's snapshot. A sealed partition's seal must name the same hash: the index was then
/// built and checked from the text the envelopes give.
/// </summary>
internal sealed class PartitionTextHashes(long partitionSize) : IDisposable
{
    // Entries are gathered and hashed a buffer at a time: two hash updates per entry (its header and
    // its ~200 bytes of text) cost more in calls into the crypto library than in hashing.
    private const int BufferSize = 64 * 1024;
    private const int HeaderSize = 12;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<long, byte[]> _completed = [];
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _buffered;

    public IReadOnlyDictionary<long, byte[]> Completed => _completed;

    /// <summary>Adds the entry at <paramref name="sequence"/>; entries come in order, each once.</summary>
    public void Add(long sequence, ReadOnlySpan<byte> searchText)
    {
        if (_buffered + HeaderSize + searchText.Length > BufferSize) Flush();
        var header = _buffer.AsSpan(_buffered, HeaderSize);
        BinaryPrimitives.WriteInt64BigEndian(header, sequence);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], searchText.Length);
        _buffered += HeaderSize;
        if (_buffered + searchText.Length <= BufferSize)
        {
            searchText.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += searchText.Length;
        }
        else
        {
            Flush();
            _hash.AppendData(searchText);
        }
        if ((sequence + 1) % partitionSize != 0) return;
        Flush();
        _completed[sequence / partitionSize] = _hash.GetHashAndReset();
    }

    private void Flush()
    {
        _hash.AppendData(_buffer, 0, _buffered);
        _buffered = 0;
    }

    public void Dispose() => _hash.Dispose();
}
