using System.Buffers.Binary;
using System.Text;

namespace AuditPortal.Data.Signing;

/// <summary>
/// A C2SP signed note: the text, a blank line, then one "— name base64(keyid‖signature)" line per signature.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    private const string SignaturePrefix = "\u2014 ";

    public static string Sign(string text, NoteSigner signer)
    {
        ValidateText(text);
        var signature = signer.Sign(Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, signer.KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n{SignaturePrefix}{signer.Name} {Convert.ToBase64String(blob)}\n";
    }

    public static SignedNote Parse(string note)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) throw new FormatException("a signed note needs a blank line before its signatures");
        var text = note[..(split + 1)];
        ValidateText(text);
        var signatureBlock = note[(split + 2)..];
        if (!signatureBlock.EndsWith('\n')) throw new FormatException("the signature block must end with a newline");

        var signatures = new List<NoteSignature>();
        foreach (var line in signatureBlock[..^1].Split('\n'))
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal)) throw new FormatException("malformed signature line");
            var rest = line[SignaturePrefix.Length..];
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0) throw new FormatException("malformed signature line");
            byte[] blob;
            try { blob = Convert.FromBase64String(rest[(space + 1)..]); }
            catch (FormatException) { throw new FormatException("signature is not base64"); }
            if (blob.Length < 5) throw new FormatException("signature is too short");
            signatures.Add(new NoteSignature(rest[..space], BinaryPrimitives.ReadUInt32BigEndian(blob), blob[4..]));
        }
        if (signatures.Count == 0) throw new FormatException("the note has no signatures");
        return new SignedNote(text, signatures);
    }

    /// <summary>True when a signature by <paramref name="verifier"/> is present and valid.</summary>
    public bool IsSignedBy(NoteVerifier verifier)
    {
        var message = Encoding.UTF8.GetBytes(Text);
        return Signatures.Any(s => s.KeyName == verifier.Name && s.KeyId == verifier.KeyId && verifier.Verify(message, s.Signature));
    }

    private static void ValidateText(string text)
    {
        if (text.Length == 0 || !text.EndsWith('\n')) throw new FormatException("note text must end with a newline");
        if (text.Any(c => c != '\n' && char.IsControl(c))) throw new FormatException("note text must not contain control characters");
    }
}

public sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);
