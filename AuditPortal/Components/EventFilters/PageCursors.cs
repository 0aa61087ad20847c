namespace AuditPortal.Components.EventFilters;

/// <summary>
/// The way back through keyset pages. A cursor only leads forward (older events), so the pages
/// already seen are remembered: "previous" goes to the one before, and the browser's back button
/// arriving there is recognised. A page opened from a link with a cursor has no way back but "newest".
/// </summary>
public sealed class PageCursors
{
    // The cursor of each page before the current one; "" is the first page.
    private readonly List<string> _before = [];
    private string? _filtersUrl;

    /// <summary>Pages before this one that can be gone back to.</summary>
    public int Before => _before.Count;

    /// <summary>Called for every page shown: other filters start over; arriving at the remembered previous page pops it.</summary>
    public void Arrived(string filtersUrl, string? cursor)
    {
        if (_filtersUrl != filtersUrl) _before.Clear();
        _filtersUrl = filtersUrl;
        if (_before.Count > 0 && _before[^1] == (cursor ?? "")) _before.RemoveAt(_before.Count - 1);
    }

    /// <summary>Before going to the next page.</summary>
    public void Leaving(string? cursor) => _before.Add(cursor ?? "");

    /// <summary>The cursor of the previous page ("" for the first), or null when there is none to go back to.</summary>
    public string? Previous => _before.Count > 0 ? _before[^1] : null;
}
