using Microsoft.JSInterop;

namespace AuditPortal.Components;

/// <summary>
/// The time zone of the browser looking at the page, so times read as the viewer's local time; stored
/// and compared times stay UTC. Asked through a small module the portal serves (ViewerTime.razor.js).
/// </summary>
public sealed class ViewerTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    /// <summary>The viewer's zone, asked of the browser once per circuit (this service is scoped to it).</summary>
    public async Task<TimeZoneInfo> GetAsync() => _zone ??= await ResolveAsync(js);

    /// <summary>How a column header names the zone, e.g. "Europe/Berlin" or "UTC".</summary>
    public static string Label(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc || zone.Id is "Etc/UTC" or "UTC" ? "UTC" : zone.Id;

    /// <returns>The browser's zone, or UTC when it cannot be asked (no circuit yet) or names a zone this server does not know.</returns>
    private static async Task<TimeZoneInfo> ResolveAsync(IJSRuntime js)
    {
        try
        {
            // A module of the portal's own: the Content-Security-Policy allows no inline or evaluated script.
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./Components/ViewerTime.razor.js");
            var id = await module.InvokeAsync<string?>("timeZone");
            return id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (JSException)
        {
            return TimeZoneInfo.Utc;
        }
        catch (InvalidOperationException)
        {
            // No circuit yet (a static render): JS interop is not available.
            return TimeZoneInfo.Utc;
        }
    }
}
