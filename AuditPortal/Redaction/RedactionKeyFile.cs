using System.Security.Cryptography;
using AuditPortal.Ledger;

namespace AuditPortal.Redaction;

/// <summary>
/// The HMAC key behind <see cref="RedactionAction.Hash"/>: 32 random bytes, created owner-only on first
/// use. Keep it with the signing key and back it up with it: without it, new hashes no longer match
/// old ones; with it, anyone can test a guessed value against a hash.
/// </summary>
public static class RedactionKeyFile
{
    public static ReadOnlyMemory<byte> ReadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            try
            {
                SigningKeyFile.Write(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first: use theirs.
            }
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            key = [];
        }
        return key.Length >= 32 ? key
            : throw new LedgerStartupException($"the redaction key {path} is not 32 bytes of base64; restore it from the backup kept with the signing key");
    }
}
