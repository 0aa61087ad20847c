using System.Globalization;
using System.Text;
using ADRaffy.ENSNormalize;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// The one form in which actor ids are stored and compared, so that rules between people (four
/// eyes) and filters by person cannot be dodged by spelling one id two ways. Rules, in order:
/// <list type="number">
/// <item>trim Unicode white space at both ends; an id that is then empty is refused;</item>
/// <item>refuse control characters (Cc), format characters (Cf: bidirectional overrides and
/// isolates, zero-width space and joiners, soft hyphen, byte-order mark) and line or paragraph
/// separators, which make one id look like another;</item>
/// <item>an e-mail-like id (exactly one <c>@</c> with something on each side, no white space) is
/// lower-cased whole, culture-independently (<see cref="string.ToLowerInvariant"/>);</item>
/// <item>Unicode NFC.</item>
/// </list>
/// Other ids keep their case: service names and opaque user ids may be case-sensitive.
/// </summary>
public static class ActorIds
{
    /// <returns>True with the normalised id, or false with a reason fit for a problem response.</returns>
    public static bool TryNormalize(string raw, out string normalized, out string? error)
    {
        normalized = "";
        var trimmed = raw.Trim();
        if (trimmed.Length == 0)
        {
            error = "must not be blank";
            return false;
        }
        foreach (var c in trimmed)
        {
            if (IsRefused(c))
            {
                error = $"must not contain control, format (bidirectional or zero-width) or separator characters; found U+{(int)c:X4}";
                return false;
            }
        }
        var cased = IsEmailLike(trimmed) ? trimmed.ToLowerInvariant() : trimmed;
        // string.Normalize does nothing under InvariantGlobalization (no ICU), so the tables come from
        // a package (Unicode 17, passes the Unicode normalization test suite).
        // ASCII text is already in NFC (no ASCII character composes or decomposes); most ids are ASCII,
        // and the table lookup was a measurable share of parsing an event.
        normalized = Ascii.IsValid(cased) ? cased : ENSNormalize.NF.NFC(cased);
        if (normalized.Length > FieldLimits.ActorId)
        {
            error = $"must be at most {FieldLimits.ActorId} characters in Unicode NFC";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>An address shape, not an address check: one @, text on both sides, no white space.</summary>
    public static bool IsEmailLike(string id)
    {
        var at = id.IndexOf('@');
        return at > 0 && at < id.Length - 1 && id.IndexOf('@', at + 1) < 0 && !id.Any(char.IsWhiteSpace);
    }

    private static bool IsRefused(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
