using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Components.EventFilters;

/// <summary>
/// What the timeline and the access log share: the URL is the only place their filters live. Its
/// query (the names of GET /api/v1/events) is parsed by <see cref="EventQueryParser"/>; bad values are
/// shown at their field, anything else above the results, and nothing is searched. A search runs on
/// the interactive circuit only (prerendering would search, and log, a second time), when the URL
/// changes or the filters are applied again, through the page's read service, which records it as an
/// access event. Keyset pages follow the service's cursor in the URL.
/// </summary>
/// <typeparam name="TResult">The read service's page.</typeparam>
public abstract class LedgerSearchPage<TResult> : ComponentBase, IDisposable where TResult : class
{
    [Inject] private FilterSuggestions SuggestionSource { get; set; } = default!;
    [Inject] private ViewerTimeZone TimeZone { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // Declared so that a new query string re-runs OnParametersSetAsync; the parser reads the URL itself.
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

    private CancellationTokenSource? _reading;
    private EventQuery _query = new();
    private string? _shownUrl;
    private string? _limit;
    private string? _countFor;

    protected PageCursors Paging { get; } = new();
    protected EventFilterValues Filters { get; private set; } = new();
    protected IReadOnlyDictionary<string, string[]> FieldMessages { get; private set; } = new Dictionary<string, string[]>();
    protected IReadOnlyList<(string Name, string Message)> OtherErrors { get; private set; } = [];
    protected FilterValues Suggestions { get; private set; } = FilterValues.None;
    protected TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    protected TResult? Result { get; private set; }
    /// <summary>The cursor of the page shown, or null for the newest.</summary>
    protected string? Cursor { get; private set; }
    protected long? Count { get; private set; }
    protected bool Loading { get; private set; } = true;
    protected string? Failure { get; private set; }

    /// <summary>The page's route, e.g. "/timeline".</summary>
    protected abstract string PagePath { get; }

    /// <summary>The query names the page's form shows as fields.</summary>
    protected abstract IReadOnlySet<string> FieldNames { get; }

    /// <summary>What the page calls a failed read, e.g. "The search could not be run".</summary>
    protected abstract string FailureText { get; }

    /// <summary>Rules of the page's own beyond the parser's.</summary>
    protected virtual void Check(IReadOnlyDictionary<string, StringValues> query, FieldErrors errors) { }

    /// <summary>Reads a page through the page's service, which records the read as the reader's access.</summary>
    protected abstract Task<TResult> ReadAsync(EventQuery query, ActorRef reader, bool withCount, CancellationToken cancellationToken);

    protected abstract EventCursor? NextOf(TResult result);
    protected abstract long? CountOf(TResult result);

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive) return;
        Zone = await TimeZone.GetAsync();
        try
        {
            Suggestions = await SuggestionSource.ReadAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Suggestions are a help, not the page: without them every filter can still be typed.
        }
    }

    // Leaving the page changes its query parameters too (to the next page's, often none) just before the
    // page goes: that must not run a search with no filters. Prerendering shows the URL's filters at
    // once but leaves the search to the circuit.
    protected override Task OnParametersSetAsync()
    {
        if (new Uri(Navigation.Uri).AbsolutePath != Navigation.ToAbsoluteUri(PagePath).AbsolutePath) return Task.CompletedTask;
        // A re-render of the layout sets the page's parameters again without a navigation: the URL's search
        // has run already, and running it again would log a second access and reset what is being typed.
        if (RendererInfo.IsInteractive && Navigation.Uri == _shownUrl) return Task.CompletedTask;
        if (RendererInfo.IsInteractive) return ShowAsync();
        Loading = ReadUrl();
        return Task.CompletedTask;
    }

    /// <summary>Reads the URL and runs its search.</summary>
    private async Task ShowAsync()
    {
        if (!ReadUrl())
        {
            Loading = false;
            return;
        }
        var filtersUrl = Filters.ToUrl(PagePath, LimitParameters());
        Paging.Arrived(filtersUrl, Cursor);
        _reading?.Cancel();
        _reading?.Dispose();
        var reading = _reading = new CancellationTokenSource();
        Loading = true;
        // The count needs the filter columns only, except for text, which would be matched over every event.
        var counting = _query.Cursor is null && _query.Text is null;
        try
        {
            var user = (await AuthenticationState).User;
            var result = await ReadAsync(_query with { IncludeContent = false }, ReadActor.From(user), counting, reading.Token);
            if (reading.IsCancellationRequested) return;
            Result = result;
            if (counting) (Count, _countFor) = (CountOf(result), filtersUrl);
            else if (_countFor != filtersUrl) (Count, _countFor) = (null, null);
        }
        catch (OperationCanceledException) when (reading.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // A read that cannot be recorded is not shown (the services record before they return).
            Failure = $"{FailureText}: {e.Message}";
        }
        Loading = false;
    }

    /// <summary>Shows the URL's filters and their errors; true when they can be searched.</summary>
    private bool ReadUrl()
    {
        _shownUrl = Navigation.Uri;
        var query = QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Filters = EventFilterValues.FromQuery(query);
        Cursor = query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null;
        _limit = query.TryGetValue("limit", out var limit) ? limit.ToString() : null;
        var errors = new FieldErrors();
        _query = EventQueryParser.Parse(query, errors);
        Check(query, errors);
        var messages = errors.ToDictionary();
        FieldMessages = messages.Where(m => FieldNames.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        OtherErrors = [.. messages.Where(m => !FieldNames.Contains(m.Key)).SelectMany(m => m.Value.Select(v => (m.Key, v)))];
        Failure = null;
        Result = null;
        return !errors.Any;
    }

    // The page size of a link is kept while its filters change.
    private IEnumerable<KeyValuePair<string, string?>> LimitParameters() => _limit is null ? [] : [new("limit", _limit)];

    protected async Task ApplyAsync(EventFilterValues filters)
    {
        var url = filters.ToUrl(PagePath, LimitParameters());
        // Applying the filters already shown runs the search again (a navigation to the same URL would not).
        if (Navigation.ToAbsoluteUri(url).ToString() == _shownUrl) await ShowAsync();
        else Navigation.NavigateTo(url);
    }

    protected Task ClearAsync() => ApplyAsync(new EventFilterValues());

    protected void NextPage()
    {
        if (Result is null || NextOf(Result) is not { } next) return;
        Paging.Leaving(Cursor);
        Navigation.NavigateTo(Filters.ToUrl(PagePath, LimitParameters().Append(new("cursor", next.Encode()))));
    }

    protected void PreviousPage()
    {
        if (Paging.Previous is not { } previous) return;
        Navigation.NavigateTo(Filters.ToUrl(PagePath, previous.Length == 0 ? LimitParameters() : LimitParameters().Append(new("cursor", previous))));
    }

    protected void NewestPage() => Navigation.NavigateTo(Filters.ToUrl(PagePath, LimitParameters()));

    /// <summary>"Newest events · 50 shown of 1,234 matching", or what is happening instead.</summary>
    protected string Status(int shown, string newest, string older, string working)
    {
        if (Loading) return working;
        if (Result is null) return "";
        var page = Cursor is null ? newest : Paging.Before > 0 ? $"Page {Paging.Before + 1}" : older;
        return Count is { } count ? $"{page} · {shown:N0} shown of {count:N0} matching" : $"{page} · {shown:N0} shown";
    }

    public void Dispose()
    {
        _reading?.Cancel();
        _reading?.Dispose();
        GC.SuppressFinalize(this);
    }
}
