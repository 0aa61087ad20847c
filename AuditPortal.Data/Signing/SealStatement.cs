using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuditPortal.Data.Signing;

/// <summary>
/// What an append transaction signs: the log, the sealed range [FirstSequence, TreeSize), the root
/// after it and the SHA-256 of the sealed leaf hashes. Text, so an auditor can rebuild it by hand:
/// <code>
/// auditportal/seal/v1
/// &lt;origin&gt;
/// &lt;first sequence&gt;
/// &lt;tree size&gt;
/// &lt;base64 root hash&gt;
/// &lt;base64 SHA-256 of the concatenated leaf hashes&gt;
/// </code>
/// </summary>
public sealed record SealStatement(string Origin, long FirstSequence, long TreeSize, byte[] RootHash, byte[] LeafHashes)
{
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(
        "auditportal/seal/v1\n" +
        $"{Origin}\n" +
        $"{FirstSequence.ToString(CultureInfo.InvariantCulture)}\n" +
        $"{TreeSize.ToString(CultureInfo.InvariantCulture)}\n" +
        $"{Convert.ToBase64String(RootHash)}\n" +
        $"{Convert.ToBase64String(SHA256.HashData(LeafHashes))}\n");
}
