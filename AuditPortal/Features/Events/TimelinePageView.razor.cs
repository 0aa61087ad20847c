using AuditPortal.Components.EventFilters;
using AuditPortal.Features.Access;
using AuditPortal.Features.Ingestion;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Features.Events;

/// <summary>
/// The timeline: the URL's query (the names of GET /api/v1/events) is parsed by
/// <see cref="EventQueryParser"/> and read through <see cref="TimelineService"/>, which records the
/// search as an access event. Nothing but the URL holds the filters: applying them navigates, and a
/// link opens the same view. Reads run only on the interactive circuit, so prerendering does not
/// search (and log) a second time.
/// </summary>
public sealed partial class TimelinePageView : IDisposable
{
    /// <summary>The query names a page shows as field messages; anything else is a problem with the link itself.</summary>
    private static readonly HashSet<string> FieldNames = ["actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q"];

    [Inject] private TimelineService Timeline { get; set; } = default!;
    [Inject] private FilterSuggestions SuggestionSource { get; set; } = default!;
    [Inject] private ViewerTimeZone TimeZone { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // Declared so that a new query string re-runs OnParametersSetAsync; the values are read by the parser from the URL.
    [SupplyParameterFromQuery(Name = "actor")] public string? ActorParameter { get; set; }
    [SupplyParameterFromQuery(Name = "type")] public string? TypeParameter { get; set; }
    [SupplyParameterFromQuery(Name = "application")] public string? ApplicationParameter { get; set; }
    [SupplyParameterFromQuery(Name = "model")] public string? ModelParameter { get; set; }
    [SupplyParameterFromQuery(Name = "prompt")] public string? PromptParameter { get; set; }
    [SupplyParameterFromQuery(Name = "promptVersion")] public string? PromptVersionParameter { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromParameter { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParameter { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? QParameter { get; set; }
    [SupplyParameterFromQuery(Name = "cursor")] public string? CursorParameter { get; set; }
    [SupplyParameterFromQuery(Name = "limit")] public string? LimitParameter { get; set; }

    private readonly TimelineColumns _columns = new();
    private readonly PageCursors _paging = new();
    private CancellationTokenSource? _reading;

    private EventFilterValues _filters = new();
    private IReadOnlyDictionary<string, string[]> _fieldErrors = new Dictionary<string, string[]>();
    private List<(string Name, string Message)> _otherErrors = [];
    private FilterValues _suggestions = FilterValues.None;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private TimelinePage? _page;
    private string? _cursor;
    private string? _limit;
    private long? _count;
    private string? _countFor;
    private bool _loading = true;
    private string? _failure;
    private string? _shownUrl;
    private EventQuery _query = new();

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive) return;
        _zone = await TimeZone.GetAsync();
        try
        {
            _suggestions = await SuggestionSource.ReadAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Suggestions are a help, not the page: without them every filter can still be typed.
        }
    }

    // Leaving the page changes its query parameters too (to the next page's, often none) just before the
    // page goes: that must not run a search with no filters.
    // Prerendering shows the filters of the URL at once but leaves the search to the circuit.
    protected override Task OnParametersSetAsync()
    {
        if (!OnThisPage()) return Task.CompletedTask;
        if (RendererInfo.IsInteractive) return ShowAsync();
        _loading = ReadUrl();
        return Task.CompletedTask;
    }

    private bool OnThisPage() => new Uri(Navigation.Uri).AbsolutePath == Navigation.ToAbsoluteUri("/timeline").AbsolutePath;

    /// <summary>Reads the URL and runs its search.</summary>
    private async Task ShowAsync()
    {
        if (!ReadUrl())
        {
            _loading = false;
            return;
        }

        var filtersUrl = _filters.ToUrl("/timeline", LimitParameters());
        _paging.Arrived(filtersUrl, _cursor);
        _reading?.Cancel();
        _reading?.Dispose();
        var reading = _reading = new CancellationTokenSource();
        _loading = true;
        // The count needs the filter columns only, except for text, which would be matched over every event.
        var counting = _query.Cursor is null && _query.Text is null;
        try
        {
            var user = (await AuthenticationState).User;
            var page = await Timeline.ReadAsync(_query with { IncludeContent = false }, ReadActor.From(user), "dashboard", reading.Token, withCount: counting);
            if (reading.IsCancellationRequested) return;
            _page = page;
            if (counting) (_count, _countFor) = (page.Count, filtersUrl);
            else if (_countFor != filtersUrl) (_count, _countFor) = (null, null);
        }
        catch (OperationCanceledException) when (reading.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // A search that cannot be recorded is not shown (the service records before it returns).
            _failure = $"The search could not be run: {e.Message}";
        }
        _loading = false;
    }

    /// <summary>Shows the URL's filters and their errors; true when they can be searched.</summary>
    private bool ReadUrl()
    {
        _shownUrl = Navigation.Uri;
        var query = QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query);
        _filters = EventFilterValues.FromQuery(query.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        _cursor = query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null;
        _limit = query.TryGetValue("limit", out var limit) ? limit.ToString() : null;
        var errors = new FieldErrors();
        _query = EventQueryParser.Parse(query, errors);
        var messages = errors.ToDictionary();
        _fieldErrors = messages.Where(m => FieldNames.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        _otherErrors = [.. messages.Where(m => !FieldNames.Contains(m.Key)).SelectMany(m => m.Value.Select(v => (m.Key, v)))];
        _failure = null;
        _page = null;
        return !errors.Any;
    }

    private IEnumerable<KeyValuePair<string, string?>> LimitParameters() =>
        _limit is null ? [] : [new("limit", _limit)];

    private async Task ApplyAsync(EventFilterValues filters)
    {
        var url = filters.ToUrl("/timeline", LimitParameters());
        // Applying the filters already shown runs the search again (a navigation to the same URL would not).
        if (Navigation.ToAbsoluteUri(url).ToString() == _shownUrl) await ShowAsync();
        else Navigation.NavigateTo(url);
    }

    private Task ClearAsync() => ApplyAsync(new EventFilterValues());

    private void NextPage()
    {
        if (_page?.Next is not { } next) return;
        _paging.Leaving(_cursor);
        Navigation.NavigateTo(_filters.ToUrl("/timeline", LimitParameters().Append(new("cursor", next.Encode()))));
    }

    private void PreviousPage()
    {
        if (_paging.Previous is not { } previous) return;
        Navigation.NavigateTo(_filters.ToUrl("/timeline", previous.Length == 0 ? LimitParameters() : LimitParameters().Append(new("cursor", previous))));
    }

    private void NewestPage() => Navigation.NavigateTo(_filters.ToUrl("/timeline", LimitParameters()));

    private void Open(long sequence) => Navigation.NavigateTo($"/events/{sequence}");

    private string StatusText
    {
        get
        {
            if (_loading) return "Searching…";
            if (_page is null) return "";
            var page = _cursor is null ? "Newest events" : _paging.Before > 0 ? $"Page {_paging.Before + 1}" : "Older events";
            var shown = $"{_page.Rows.Count:N0} shown";
            return _count is { } count ? $"{page} · {shown} of {count:N0} matching" : $"{page} · {shown}";
        }
    }

    public void Dispose()
    {
        _reading?.Cancel();
        _reading?.Dispose();
    }
}
