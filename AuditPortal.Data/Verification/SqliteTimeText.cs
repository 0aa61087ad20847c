namespace AuditPortal.Data.Verification;

/// <summary>
/// Whether SQLite's stored text for a time is the text the appender stores for an envelope's
/// canonical timestamp. Microsoft.Data.Sqlite (and so EF Core and the appender, SqliteCall) writes a
/// DateTime as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>: the canonical <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> with
/// a space for the <c>T</c>, without the <c>Z</c>, and with the fraction's trailing zeros (and a bare
/// point) dropped. Compared byte by byte instead of formatting a DateTime per row: formatting was the
/// largest single cost of checking the copy columns.
/// </summary>
internal static class SqliteTimeText
{
    private const int CanonicalLength = 28; // yyyy-MM-ddTHH:mm:ss.fffffffZ

    /// <param name="canonical">An envelope timestamp already validated as canonical (a real UTC time in that form).</param>
    public static bool Matches(ReadOnlySpan<byte> canonical, ReadOnlySpan<byte> stored)
    {
        if (canonical.Length != CanonicalLength) return false;
        var fraction = canonical.Slice(20, 7).TrimEnd((byte)'0');
        var length = fraction.IsEmpty ? 19 : 20 + fraction.Length;
        return stored.Length == length
               && stored[..10].SequenceEqual(canonical[..10])
               && stored[10] == (byte)' '
               && stored[11..19].SequenceEqual(canonical[11..19])
               && (fraction.IsEmpty || (stored[19] == (byte)'.' && stored[20..].SequenceEqual(fraction)));
    }
}
