using AuditPortal.Components.EventFilters;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Components;

namespace AuditPortal.Features.Events;

/// <summary>
/// The timeline: the URL's filters read through <see cref="TimelineService"/>, which records each
/// search as an <c>events.query</c> access (see <see cref="LedgerSearchPage{TResult}"/>).
/// </summary>
public sealed partial class TimelinePageView
{
    private static readonly HashSet<string> Fields = ["actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q"];

    [Inject] private TimelineService Timeline { get; set; } = default!;

    private readonly TimelineColumns _columns = new();

    protected override string PagePath => "/timeline";
    protected override IReadOnlySet<string> FieldNames => Fields;
    protected override string FailureText => "The search could not be run";

    // Which rows of the page shown lost their content to retention, and under what (null: no tombstone covers it).
    private (TimelinePage? Page, IReadOnlyDictionary<long, RetentionTombstone?> Purges) _purges = (null, new Dictionary<long, RetentionTombstone?>());

    protected override async Task<TimelinePage> ReadAsync(EventQuery query, ActorRef reader, bool withCount, CancellationToken cancellationToken)
    {
        var page = await Timeline.ReadAsync(query, reader, "dashboard", cancellationToken, withCount);
        _purges = (page, await Timeline.PurgesAsync(page.Rows, cancellationToken));
        return page;
    }

    /// <summary>Whether this row's content is gone, and what purged it; only for the page on screen.</summary>
    private bool IsPurged(TimelineRow row, out RetentionTombstone? purgedBy)
    {
        purgedBy = null;
        return ReferenceEquals(_purges.Page, Result) && _purges.Purges.TryGetValue(row.Sequence, out purgedBy);
    }

    protected override EventCursor? NextOf(TimelinePage result) => result.Next;
    protected override long? CountOf(TimelinePage result) => result.Count;

    private string StatusText => Status(Result?.Rows.Count ?? 0, "Newest events", "Older events", "Searching…");

    private void Open(long sequence) => Navigation.NavigateTo($"/events/{sequence}");
}
