namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// Every browser test runs under a deadline. A wait that never settles (a promise in the page, a
/// lost navigation event) otherwise holds the whole run until CI kills it, and its log then names
/// no test; with a deadline the test fails by name and the others still run.
/// Tests never call <c>page.CloseAsync()</c>: it has no timeout and hangs when the close races a
/// navigation commit (see <see cref="AuditPortal.E2E.Pages.DevelopmentSignIn"/>); a context's disposal
/// closes its pages.
/// </summary>
public static class BrowserTestLimits
{
    /// <summary>Ten minutes: the slowest test takes about a minute on a loaded two-core machine.</summary>
    public const int TestMilliseconds = 10 * 60_000;

    /// <summary>
    /// Waits for a call that has no timeout of its own (Playwright's evaluate, axe), and fails naming
    /// <paramref name="what"/> when it has not settled within <paramref name="limit"/>, long before the
    /// test's deadline.
    /// </summary>
    public static async Task<T> WithinAsync<T>(Task<T> call, TimeSpan limit, string what)
    {
        try
        {
            return await call.WaitAsync(limit);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            throw new TimeoutException($"{what} did not settle within {limit.TotalSeconds} s");
        }
    }
}
