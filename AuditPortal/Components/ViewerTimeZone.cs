using Microsoft.JSInterop;

namespace AuditPortal.Components;

/// <summary>
/// The time zone of the browser looking at the page, so times read as the viewer's local time. Asked through
/// Blazor's own interop (no script file of ours, nothing the Content-Security-Policy would have to allow).
/// </summary>
public static class ViewerTimeZone
{
    /// <returns>The browser's zone, or UTC when it cannot be asked (prerendering) or names a zone this server does not know.</returns>
    public static async Task<TimeZoneInfo> ResolveAsync(IJSRuntime js)
    {
        try
        {
            await using var format = await js.InvokeConstructorAsync("Intl.DateTimeFormat");
            var options = await format.InvokeAsync<ResolvedOptions?>("resolvedOptions");
            return options?.TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (JSException)
        {
            return TimeZoneInfo.Utc;
        }
        catch (InvalidOperationException)
        {
            // No circuit yet (static or prerendered render): JS interop is not available.
            return TimeZoneInfo.Utc;
        }
    }

    private sealed record ResolvedOptions(string? TimeZone);
}
