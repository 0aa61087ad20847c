using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using AuditPortal.Data.Signing;
using AuditPortal.Ledger;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace AuditPortal.Features.Account;

/// <summary>
/// Encrypts the dashboard's cookie keys before they are stored in the database (AES-256-GCM with a
/// key derived from the ledger's signing key). A database administrator who reads the key table
/// cannot mint a sign-in cookie and act in the ledger as someone else; every instance that holds the
/// signing key file (which they need anyway, to sign checkpoints) can read the keys.
/// </summary>
public sealed class SigningKeyXmlEncryptor(SigningKeyHolder signingKey) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = SigningKeyXmlCipher.Seal(signingKey.Signer, plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement("encryptedSecret",
            new XComment(" Encrypted with a key derived from the ledger's signing key (AES-256-GCM: nonce, ciphertext, tag). "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(SigningKeyXmlDecryptor));
    }
}

/// <summary>Data Protection creates this by type name from the stored XML, with the host's services.</summary>
public sealed class SigningKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var value = encryptedElement.Element("value")?.Value
            ?? throw new CryptographicException("The encrypted cookie key has no value element.");
        var plaintext = SigningKeyXmlCipher.Open(services.GetRequiredService<SigningKeyHolder>().Signer, Convert.FromBase64String(value));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>nonce ‖ ciphertext ‖ tag under a key that only the signing key's holder can derive.</summary>
public static class SigningKeyXmlCipher
{
    private const string Purpose = "auditportal/dataprotection-keys/v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(NoteSigner signer, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = Cipher(signer);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length));
        return output;
    }

    /// <exception cref="CryptographicException">The bytes were altered, or sealed under another signing key.</exception>
    public static byte[] Open(NoteSigner signer, ReadOnlySpan<byte> sealedBytes)
    {
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The encrypted cookie key is too short.");
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = Cipher(signer);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes.Slice(NonceSize, length), sealedBytes[^TagSize..], plaintext);
        return plaintext;
    }

    private static AesGcm Cipher(NoteSigner signer)
    {
        var key = signer.DeriveSecret(Purpose, 32);
        try
        {
            return new AesGcm(key, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
