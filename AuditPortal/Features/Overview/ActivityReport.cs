namespace AuditPortal.Features.Overview;

/// <summary>What the overview's charts and top lists show: one value per day of the window, oldest first.</summary>
public sealed record ActivityReport(
    IReadOnlyList<DateOnly> Days,
    IReadOnlyList<ActivitySeries> ByType,
    IReadOnlyList<ActivitySeries> ByModel,
    IReadOnlyList<ActivityTotal> TopApplications,
    IReadOnlyList<ActivityTotal> TopActors)
{
    public const int TopCount = 5;

    public long Total => ByType.Sum(s => s.Total);

    public static ActivityReport From(DateOnly first, DateOnly last, IReadOnlyDictionary<ActivityKey, long> counts)
    {
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        var shown = counts.Where(c => c.Key.Day >= first && c.Key.Day <= last).ToList();

        List<ActivitySeries> Series(ActivityDimension dimension) => [.. shown
            .Where(c => c.Key.Dimension == dimension)
            .GroupBy(c => c.Key.Value, StringComparer.Ordinal)
            .Select(g => new ActivitySeries(g.Key, [.. days.Select(d => g.Where(c => c.Key.Day == d).Sum(c => c.Value))]))
            .OrderByDescending(s => s.Total).ThenBy(s => s.Name, StringComparer.Ordinal)];

        List<ActivityTotal> Top(ActivityDimension dimension) => [.. shown
            .Where(c => c.Key.Dimension == dimension)
            .GroupBy(c => c.Key.Value, StringComparer.Ordinal)
            .Select(g => new ActivityTotal(g.Key, g.Sum(c => c.Value)))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(TopCount)];

        return new ActivityReport(days, Series(ActivityDimension.Type), Series(ActivityDimension.Model),
            Top(ActivityDimension.Application), Top(ActivityDimension.Actor));
    }
}

/// <summary>One line or stack of a chart: a count per day of the window.</summary>
public sealed record ActivitySeries(string Name, IReadOnlyList<long> PerDay)
{
    public long Total => PerDay.Sum();
}

public sealed record ActivityTotal(string Name, long Count);
