using System.Globalization;
using System.Text;

namespace AuditPortal.Data.Retention;

/// <summary>Sequences written as ranges, <c>3-7,9,12-15</c>: how a tombstone names what it purged.</summary>
public static class SequenceRanges
{
    /// <param name="sequences">Ascending, without repeats.</param>
    public static string Format(IReadOnlyList<long> sequences)
    {
        var text = new StringBuilder();
        for (var i = 0; i < sequences.Count;)
        {
            var j = i;
            while (j + 1 < sequences.Count && sequences[j + 1] == sequences[j] + 1) j++;
            if (text.Length > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{sequences[i]}");
            if (j > i) text.Append(CultureInfo.InvariantCulture, $"-{sequences[j]}");
            i = j + 1;
        }
        return text.ToString();
    }

    /// <summary>The ranges, or null when the text is not ranges of ascending non-negative sequences.</summary>
    public static IReadOnlyList<(long First, long Last)>? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var ranges = new List<(long, long)>();
        var previous = -1L;
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !long.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return null;
            var last = first;
            if (bounds.Length == 2 && !long.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
            if (first <= previous || last < first) return null;
            ranges.Add((first, last));
            previous = last;
        }
        return ranges;
    }

    public static long Count(IReadOnlyList<(long First, long Last)> ranges) => ranges.Sum(r => r.Last - r.First + 1);
}
