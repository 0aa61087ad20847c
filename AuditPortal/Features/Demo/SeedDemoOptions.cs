namespace AuditPortal.Features.Demo;

/// <summary>How much demo history to generate: <see cref="Events"/> events spread over the last <see cref="Days"/> days.</summary>
public sealed record SeedDemoOptions(int Events, int Days)
{
    /// <summary>The demo a new user sees: enough for every page to have something real to show.</summary>
    public static readonly SeedDemoOptions Default = new(5_000, 30);

    public const int MaxEvents = 50_000_000;
    public const int MaxDays = 3_650;

    /// <summary>The smallest history that still holds every prompt version, decision and configuration change.</summary>
    public static int MinEvents => DemoHistory.FixedEventCount + 1;

    public static bool TryCreate(int events, int days, out SeedDemoOptions? options, out string? error)
    {
        options = null;
        error = events < MinEvents || events > MaxEvents ? $"--events must be between {MinEvents} and {MaxEvents:N0} (it was {events})"
              : days < 1 || days > MaxDays ? $"--days must be between 1 and {MaxDays} (it was {days})"
              : null;
        if (error is null) options = new SeedDemoOptions(events, days);
        return error is null;
    }
}
