using Microsoft.JSInterop;

namespace AuditPortal.Features.Events;

/// <summary>
/// The time zone of the person looking at the dashboard, asked of their browser once per circuit
/// (a scoped service lives as long as the circuit). Times are stored and compared in UTC; only their
/// display follows the viewer. When the browser does not say, or names a zone the server does not
/// know, times are shown in UTC and labelled so.
/// </summary>
public sealed class ViewerTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    /// <summary>The viewer's zone, or UTC. Only on an interactive circuit: prerendering has no browser to ask.</summary>
    public async Task<TimeZoneInfo> GetAsync()
    {
        if (_zone is not null) return _zone;
        string? id = null;
        try
        {
            // A module of our own: the CSP allows no inline or evaluated script.
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./Features/Events/ViewerTime.razor.js");
            id = await module.InvokeAsync<string?>("timeZone");
        }
        catch (JSException)
        {
            // Falls back to UTC, labelled as such.
        }
        return _zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    /// <summary>How a column header names the zone, e.g. "Europe/Berlin" or "UTC".</summary>
    public static string Label(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc || zone.Id is "Etc/UTC" or "UTC" ? "UTC" : zone.Id;
}
