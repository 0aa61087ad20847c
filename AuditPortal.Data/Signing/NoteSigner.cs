using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace AuditPortal.Data.Signing;

/// <summary>
/// The ledger's Ed25519 private key. Its text form is Go's golang.org/x/mod/sumdb/note signer key
/// (<c>PRIVATE+KEY+name+hexkeyid+base64(0x01‖seed)</c>), so standard tooling can read it.
/// </summary>
public sealed class NoteSigner : IDisposable
{
    private const string Prefix = "PRIVATE+KEY+";
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        if (!NoteKeys.IsValidName(name)) throw new FormatException($"Invalid key name \"{name}\".");
        _key = key;
        Verifier = new NoteVerifier(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public NoteVerifier Verifier { get; }
    public string Name => Verifier.Name;
    public uint KeyId => Verifier.KeyId;

    public static NoteSigner Generate(string name) =>
        new(name, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <summary>
    /// A secret for another purpose (HKDF-SHA256 of the private seed, the purpose as info), so that
    /// whoever holds the key file, and only they, can derive it; the seed itself never leaves this class.
    /// </summary>
    public byte[] DeriveSecret(string purpose, int length)
    {
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, length, salt: [], info: Encoding.UTF8.GetBytes(purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public string ToPrivateKeyText()
    {
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        var blob = new byte[1 + seed.Length];
        blob[0] = NoteKeys.Ed25519Type;
        seed.CopyTo(blob, 1);
        return $"{Prefix}{Name}+{KeyId:x8}+{Convert.ToBase64String(blob)}";
    }

    public static NoteSigner ParsePrivateKeyText(string text)
    {
        text = text.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) throw new FormatException("not a PRIVATE+KEY+ signer key");
        var parts = text[Prefix.Length..].Split('+', 3); // the base64 key may itself contain '+'
        if (parts.Length != 3) throw new FormatException("a signer key has the form PRIVATE+KEY+name+keyid+base64key");
        var blob = Convert.FromBase64String(parts[2]);
        if (blob.Length != 33 || blob[0] != NoteKeys.Ed25519Type) throw new FormatException("only Ed25519 signer keys are supported");
        var key = Key.Import(SignatureAlgorithm.Ed25519, blob.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new NoteSigner(parts[0], key);
        if (!string.Equals(parts[1], signer.KeyId.ToString("x8"), StringComparison.OrdinalIgnoreCase))
            throw new FormatException("the key id in the signer key does not match the key");
        return signer;
    }

    public void Dispose() => _key.Dispose();
}
