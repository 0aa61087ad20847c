using AuditPortal.Components.EventFilters;
using AuditPortal.Data.Ledger;
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

    protected override Task<TimelinePage> ReadAsync(EventQuery query, ActorRef reader, bool withCount, CancellationToken cancellationToken) =>
        Timeline.ReadAsync(query, reader, "dashboard", cancellationToken, withCount);

    protected override EventCursor? NextOf(TimelinePage result) => result.Next;
    protected override long? CountOf(TimelinePage result) => result.Count;

    private string StatusText => Status(Result?.Rows.Count ?? 0, "Newest events", "Older events", "Searching…");

    private void Open(long sequence) => Navigation.NavigateTo($"/events/{sequence}");
}
