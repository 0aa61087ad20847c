using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace AuditPortal.Reading;

/// <summary>Keyset position (occurred-at, sequence) of the last event on a page, opaque to clients.</summary>
public readonly record struct EventCursor(DateTime OccurredAtUtc, long Sequence)
{
    public string Encode() => WebEncoders.Base64UrlEncode(Encoding.ASCII.GetBytes(
        $"v1:{OccurredAtUtc.Ticks.ToString(CultureInfo.InvariantCulture)}:{Sequence.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryDecode(string text, out EventCursor cursor)
    {
        cursor = default;
        try
        {
            var parts = Encoding.ASCII.GetString(WebEncoders.Base64UrlDecode(text)).Split(':');
            if (parts.Length != 3 || parts[0] != "v1") return false;
            if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTime.MaxValue.Ticks) return false;
            if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) return false;
            cursor = new EventCursor(new DateTime(ticks, DateTimeKind.Utc), sequence);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
