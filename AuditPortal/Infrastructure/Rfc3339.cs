using System.Globalization;
using System.Text.RegularExpressions;

namespace AuditPortal.Infrastructure;

/// <summary>Strict RFC 3339 date-times: a full date, a time and an explicit offset, nothing looser.</summary>
public static partial class Rfc3339
{
    public static bool TryParse(string text, out DateTimeOffset value, out string? error)
    {
        value = default;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            error = "must be an RFC 3339 date-time with an offset, e.g. 2026-11-26T09:30:00.123Z or 2026-11-26T10:30:00+01:00";
            return false;
        }
        var fraction = match.Groups["fraction"].Value;
        // .NET keeps 100 ns; finer digits cannot be represented and are cut, never rounded up past a second.
        var normalized = $"{match.Groups["datetime"].Value}T{match.Groups["time"].Value}.{(fraction.Length > 7 ? fraction[..7] : fraction).PadRight(7, '0')}{NormalizeOffset(match.Groups["offset"].Value)}";
        if (!DateTimeOffset.TryParseExact(normalized, "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out value))
        {
            error = "is not a real date and time";
            return false;
        }
        error = null;
        return true;
    }

    private static string NormalizeOffset(string offset) => offset is "Z" or "z" ? "+00:00" : offset;

    [GeneratedRegex(@"^(?<datetime>\d{4}-\d{2}-\d{2})[Tt](?<time>\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<offset>[Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Pattern();
}
