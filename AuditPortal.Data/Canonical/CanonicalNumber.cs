using System.Globalization;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Canonical;

/// <summary>
/// Maps a JSON number onto the canonical profile: integers stay numbers, everything with a
/// fraction or exponent becomes the shortest round-trip decimal string ("0.7"), so the bytes never
/// depend on a floating-point printer.
/// </summary>
public static class CanonicalNumber
{
    /// <summary>Returns the canonical node, or null with a reason when the number cannot be represented.</summary>
    public static JsonNode? FromLiteral(string literal, out string? error) => FromLiteralValue(literal, out error) switch
    {
        long integer => JsonValue.Create(integer),
        string text => JsonValue.Create(text),
        _ => null,
    };

    /// <summary>As <see cref="FromLiteral"/>, without a node: a boxed <see cref="long"/> or the decimal string, or null with a reason.</summary>
    public static object? FromLiteralValue(string literal, out string? error)
    {
        error = null;
        if (long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            if (integer is > CanonicalJson.MaxSafeInteger or < -CanonicalJson.MaxSafeInteger)
            {
                error = $"integer {literal} is outside ±(2^53 − 1)";
                return null;
            }
            return integer;
        }
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            error = $"number {literal} is out of range";
            return null;
        }
        if (d == 0 && !MantissaIsZero(literal))
        {
            // 1e-400 parses to 0; storing 0 would record a value the client never sent.
            error = $"number {literal} is too close to zero to represent (it would underflow to 0)";
            return null;
        }
        if (d == Math.Floor(d) && Math.Abs(d) <= CanonicalJson.MaxSafeInteger)
            return (long)d;
        if (d == Math.Floor(d))
        {
            error = $"integer {literal} is outside ±(2^53 − 1)";
            return null;
        }
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>True when every digit before the exponent is 0, so that the literal really means zero.</summary>
    private static bool MantissaIsZero(string literal)
    {
        foreach (var c in literal)
        {
            if (c is 'e' or 'E') break;
            if (c is >= '1' and <= '9') return false;
        }
        return true;
    }
}
