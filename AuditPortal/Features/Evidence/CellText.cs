using System.Globalization;
using System.Text;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// How ledger text becomes a workbook cell. Every text cell is written as an inline string, never as a
/// formula, so nothing from the ledger is ever evaluated; text that a spreadsheet would take for a
/// formula when retyped (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab, carriage return first) also gets
/// the quote prefix. Text beyond Excel's cell limit is cut with a visible marker (the full text stays
/// in contents.jsonl), and characters XML cannot carry are shown as U+FFFD.
/// </summary>
public static class CellText
{
    /// <summary>Excel's limit on the characters of one cell.</summary>
    public const int MaxLength = 32_767;

    public static bool LooksLikeFormula(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>The text as the cell holds it: XML-safe, and within <see cref="MaxLength"/> with a marker saying where the rest is.</summary>
    public static string ForCell(string text)
    {
        var safe = XmlSafe(text);
        if (safe.Length <= MaxLength) return safe;
        var marker = string.Create(CultureInfo.InvariantCulture,
            $" … [cut: {safe.Length:N0} characters in full; the whole text is in contents.jsonl]");
        var keep = MaxLength - marker.Length;
        if (char.IsHighSurrogate(safe[keep - 1])) keep--; // never split a surrogate pair
        return string.Concat(safe.AsSpan(0, keep), marker);
    }

    private static string XmlSafe(string text)
    {
        var firstBad = -1;
        for (var i = 0; i < text.Length && firstBad < 0; i++)
            if (!IsXmlChar(text, i, out _)) firstBad = i;
        if (firstBad < 0) return text;
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            if (IsXmlChar(text, i, out var width)) { builder.Append(text, i, width); i += width - 1; }
            else builder.Append('\uFFFD');
        }
        return builder.ToString();
    }

    private static bool IsXmlChar(string text, int i, out int width)
    {
        width = 1;
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { width = 2; return true; }
            return false;
        }
        if (char.IsLowSurrogate(c)) return false;
        return c is '\t' or '\n' or '\r' || (c >= 0x20 && c != '\uFFFE' && c != '\uFFFF');
    }
}
