using System.Globalization;

namespace AuditPortal.Data.Signing;

/// <summary>The body of a C2SP tlog-checkpoint: origin, tree size and base64 root hash, one per line.</summary>
public sealed record Checkpoint(string Origin, long TreeSize, byte[] RootHash)
{
    public string ToNoteText() =>
        $"{Origin}\n{TreeSize.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(RootHash)}\n";

    public static Checkpoint ParseNoteText(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[^1].Length != 0) throw new FormatException("a checkpoint has origin, size and root hash lines");
        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ||
            (lines[1].Length > 1 && lines[1][0] == '0'))
            throw new FormatException("checkpoint tree size is not a decimal number");
        byte[] root;
        try { root = Convert.FromBase64String(lines[2]); }
        catch (FormatException) { throw new FormatException("checkpoint root hash is not base64"); }
        if (root.Length != 32) throw new FormatException("checkpoint root hash is not 32 bytes");
        return new Checkpoint(lines[0], size, root);
    }
}
