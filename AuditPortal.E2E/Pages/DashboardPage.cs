using Deque.AxeCore.Playwright;
using AuditPortal.E2E.Infrastructure;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Pages;

/// <summary>
/// A portal page in the browser: collects console errors from the moment it opens, checks
/// accessibility with axe, and takes the 1440×900 screenshot reviewers look at.
/// </summary>
public sealed class DashboardPage
{
    private static readonly TimeSpan AxeLimit = TimeSpan.FromMinutes(2);
    private readonly List<string> _consoleErrors = [];

    private DashboardPage(IPage page)
    {
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") _consoleErrors.Add(message.Text); };
        page.PageError += (_, error) => _consoleErrors.Add(error);
        // The console says only "Failed to load resource"; the response names what failed.
        page.Response += (_, response) => { if (response.Status >= 400 && response.Url != page.Url) _consoleErrors.Add($"{response.Status} {response.Url}"); };
    }

    public IPage Page { get; }
    public IResponse? Response { get; private set; }
    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    public static async Task<DashboardPage> OpenAsync(IBrowserContext context, string url)
    {
        var page = new DashboardPage(await context.NewPageAsync());
        page.Response = await page.Page.GotoAsync(url);
        return page;
    }

    /// <summary>The layout marks itself once the circuit is connected; clicks before that would be lost.</summary>
    public Task WaitUntilInteractiveAsync() =>
        Page.Locator("[data-circuit=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public ILocator TestId(string id) => Page.GetByTestId(id);

    public async Task AssertAccessibleAsync()
    {
        await WaitForFiniteAnimationsAsync();
        // axe runs as one evaluate, and Playwright's evaluate has no timeout of its own.
        var results = await BrowserTestLimits.WithinAsync(Page.RunAxe(), AxeLimit, $"{Page.Url}: axe");
        var serious = results.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
        Assert.True(serious.Count == 0, $"{Page.Url}: " + string.Join("\n", serious));
    }

    /// <summary>
    /// axe measures an element that is fading in or out at its momentary opacity and reports low contrast,
    /// so it runs once fades and transitions have ended. A spinner or skeleton animates forever and its
    /// <c>finished</c> never settles (waiting on it hung a CI run for an hour), so only animations that
    /// end are awaited, and never longer than ten seconds: Playwright's evaluate has no timeout of its own.
    /// </summary>
    private Task WaitForFiniteAnimationsAsync() => Page.EvaluateAsync("""
        () => Promise.race([
            Promise.all(document.getAnimations()
                .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime))
                .map(a => a.finished.catch(() => null))),
            new Promise(resolve => setTimeout(resolve, 10000))])
        """);

    /// <summary>
    /// Waits for every snackbar to close by itself: one that starts fading out while axe runs would be
    /// reported as low contrast, so a test checks a page only after the messages it saw are gone.
    /// </summary>
    public Task WaitForSnackbarsToCloseAsync() =>
        Assertions.Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });

    /// <summary>Waits until the page's address satisfies <paramref name="arrived"/> (<see cref="PageAddress"/>).</summary>
    public Task ArrivesAtAsync(Func<string, bool> arrived, string description) => PageAddress.ArriveAsync(Page, arrived, description);

    public Task ArrivesAtAsync(string url) => PageAddress.ArriveAsync(Page, url);

    public void AssertNoConsoleErrors() => Assert.True(_consoleErrors.Count == 0, $"{Page.Url}: " + string.Join("\n", _consoleErrors));

    public async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }
}
