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
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<long, byte[]> _completed = [];
    private readonly byte[] _header = new byte[12];

    public IReadOnlyDictionary<long, byte[]> Completed => _completed;

    /// <summary>Adds the entry at <paramref name="sequence"/>; entries come in order, each once.</summary>
    public void Add(long sequence, ReadOnlySpan<byte> searchText)
    {
        BinaryPrimitives.WriteInt64BigEndian(_header, sequence);
        BinaryPrimitives.WriteInt32BigEndian(_header.AsSpan(8), searchText.Length);
        _hash.AppendData(_header);
        _hash.AppendData(searchText);
        if ((sequence + 1) % partitionSize == 0) _completed[sequence / partitionSize] = _hash.GetHashAndReset();
    }

    public void Dispose() => _hash.Dispose();
}
