using NSec.Cryptography;

namespace AuditPortal.Data.Signing;

/// <summary>
/// A public Ed25519 note key, parsed from and printed as the C2SP verifier key
/// <c>name+hexkeyid+base64(0x01‖key)</c>. This is all an auditor needs to check checkpoints and seals.
/// </summary>
public sealed class NoteVerifier
{
    private readonly PublicKey _key;

    public NoteVerifier(string name, ReadOnlySpan<byte> publicKey)
    {
        if (!NoteKeys.IsValidName(name)) throw new FormatException($"Invalid key name \"{name}\".");
        Name = name;
        PublicKeyBytes = publicKey.ToArray();
        _key = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
        KeyId = NoteKeys.KeyId(name, publicKey);
    }

    public string Name { get; }
    public uint KeyId { get; }
    public byte[] PublicKeyBytes { get; }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(_key, message, signature);

    public override string ToString()
    {
        var blob = new byte[1 + PublicKeyBytes.Length];
        blob[0] = NoteKeys.Ed25519Type;
        PublicKeyBytes.CopyTo(blob, 1);
        return $"{Name}+{KeyId:x8}+{Convert.ToBase64String(blob)}";
    }

    public static NoteVerifier Parse(string text)
    {
        if (!TryParse(text, out var verifier, out var error)) throw new FormatException(error);
        return verifier;
    }

    public static bool TryParse(string text, out NoteVerifier verifier, out string error)
    {
        verifier = null!;
        var parts = text.Trim().Split('+', 3); // the base64 key may itself contain '+'
        if (parts.Length != 3) { error = "a verifier key has the form name+keyid+base64key"; return false; }
        byte[] blob;
        try { blob = Convert.FromBase64String(parts[2]); }
        catch (FormatException) { error = "the key part is not base64"; return false; }
        if (blob.Length != 33 || blob[0] != NoteKeys.Ed25519Type) { error = "only Ed25519 keys (type 0x01, 32 bytes) are supported"; return false; }
        try { verifier = new NoteVerifier(parts[0], blob.AsSpan(1)); }
        catch (FormatException e) { error = e.Message; return false; }
        if (!string.Equals(parts[1], verifier.KeyId.ToString("x8"), StringComparison.OrdinalIgnoreCase))
        {
            error = $"key id {parts[1]} does not match the key (expected {verifier.KeyId:x8})";
            return false;
        }
        error = "";
        return true;
    }
}
