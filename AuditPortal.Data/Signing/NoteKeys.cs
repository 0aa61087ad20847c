using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AuditPortal.Data.Signing;

/// <summary>Key naming and identifiers of C2SP signed-note (https://c2sp.org/signed-note) for Ed25519.</summary>
public static class NoteKeys
{
    /// <summary>Signature type byte of Ed25519 in signed notes.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>key ID = first four bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key), big-endian.</summary>
    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = Ed25519Type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>A key name is non-empty and has no whitespace, '+' or control characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c));
}
