using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Pages;

/// <summary>
/// Waits until a page's address is where a click or a redirect should take it, by polling the address.
/// Not Playwright's WaitForURLAsync: when the address does not match yet, it waits for the next
/// navigation event, and a navigation that commits between its check and its wait is missed. Under
/// load that happened both to Blazor's NavigateTo (a history.pushState) and to sign-in redirects: the
/// address had arrived and the wait still ran out after 90 s. Polling has no such window.
/// </summary>
public static class PageAddress
{
    public static Task ArriveAsync(IPage page, Func<string, bool> arrived, string description) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(arrived(page.Url)), () => $"The page did not arrive at {description}; it shows {page.Url}");

    public static Task ArriveAsync(IPage page, string url) => ArriveAsync(page, address => address == url, url);

    public static Task ArriveAsync(IPage page, Regex url) => ArriveAsync(page, url.IsMatch, url.ToString());
}
