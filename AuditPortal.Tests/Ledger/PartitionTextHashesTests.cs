using System.Buffers.Binary;
using System.Security.Cryptography;
using AuditPortal.Data.Verification;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The entry stream's text hash per search partition gathers entries into a buffer before hashing;
/// the hash must be the one the seal's format defines: SHA-256 over each entry's big-endian sequence,
/// big-endian text length and text, in order, one hash per full partition.
/// </summary>
public sealed class PartitionTextHashesTests
{
    [Fact]
    public void EachFullPartitionHashesItsEntriesInOrderWhateverTheirSizes()
    {
        const long partitionSize = 5;
        var random = new Random(20261204);
        // Small texts, empty ones, and some larger than the stream's buffer, over three partitions and a bit.
        var texts = Enumerable.Range(0, 17)
            .Select(i => new byte[i switch { 2 => 0, 6 => 70_000, 7 => 65_000, 12 => 200_000, _ => random.Next(1, 400) }])
            .ToList();
        foreach (var text in texts) random.NextBytes(text);

        using var hashes = new PartitionTextHashes(partitionSize);
        for (var sequence = 0; sequence < texts.Count; sequence++) hashes.Add(sequence, texts[sequence]);

        Assert.Equal([0L, 1L, 2L], hashes.Completed.Keys.Order());
        for (var partition = 0; partition < 3; partition++)
            Assert.Equal(Expected(texts, partition * partitionSize, partitionSize), hashes.Completed[partition]);
    }

    private static byte[] Expected(List<byte[]> texts, long first, long count)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[12];
        for (var sequence = first; sequence < first + count; sequence++)
        {
            BinaryPrimitives.WriteInt64BigEndian(header, sequence);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), texts[(int)sequence].Length);
            hash.AppendData(header);
            hash.AppendData(texts[(int)sequence]);
        }
        return hash.GetHashAndReset();
    }
}
