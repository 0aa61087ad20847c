using System.Globalization;
using System.Text;

namespace AuditPortal.Data.Search;

/// <summary>
/// What the portal signs when it seals a full text search partition (<see cref="SqliteSearchIndexSealer"/>):
/// the log, the partition and its range [FirstSequence, EndSequence), the SHA-256 of the search text
/// the partition was checked against (<see cref="SearchIndexHashes.TextHashAsync"/>) and the SHA-256 of
/// the partition's FTS5 tables (<see cref="SearchIndexHashes.IndexHashAsync"/>). Text, so an auditor can
/// rebuild it by hand:
/// <code>
/// auditportal/search-index-seal/v1
/// &lt;origin&gt;
/// &lt;partition&gt;
/// &lt;first sequence&gt;
/// &lt;end sequence&gt;
/// &lt;base64 text hash&gt;
/// &lt;base64 index hash&gt;
/// </code>
/// </summary>
public sealed record SearchIndexSealStatement(string Origin, long Partition, long FirstSequence, long EndSequence, byte[] TextHash, byte[] IndexHash)
{
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(
        "auditportal/search-index-seal/v1\n" +
        $"{Origin}\n" +
        $"{Partition.ToString(CultureInfo.InvariantCulture)}\n" +
        $"{FirstSequence.ToString(CultureInfo.InvariantCulture)}\n" +
        $"{EndSequence.ToString(CultureInfo.InvariantCulture)}\n" +
        $"{Convert.ToBase64String(TextHash)}\n" +
        $"{Convert.ToBase64String(IndexHash)}\n");
}
