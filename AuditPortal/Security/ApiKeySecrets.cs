using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace AuditPortal.Security;

/// <summary>
/// Key material: 256 random bits behind a recognisable prefix. Only SHA-256 of the key is stored;
/// with that much entropy a slow password hash adds nothing.
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "apk_";

    public static string Generate() => Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The part shown in lists so people can tell keys apart: prefix and 6 characters.</summary>
    public static string Display(string key) => key[..Math.Min(key.Length, Prefix.Length + 6)];

    public static bool LooksLikeKey(string value) => value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length is > 20 and < 100;
}
