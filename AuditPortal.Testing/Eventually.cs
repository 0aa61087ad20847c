using Xunit;

namespace AuditPortal.Testing;

/// <summary>
/// Waits for something a background service does (a checkpoint, the search indexer, an anchor file).
/// The bound is generous on purpose: CI runs the unit and browser suites together on two cores, where
/// a service that takes 300 ms alone can take several seconds; a test fails on the bound only when the
/// thing never happens.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static Task WaitUntilAsync(Func<bool> condition, string failure) => WaitUntilAsync(() => Task.FromResult(condition()), failure);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, string failure) => WaitUntilAsync(condition, () => failure);

    /// <param name="failure">Said when the wait runs out, written then (so it can say what was seen last).</param>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{failure()} (waited {Patience.TotalSeconds:0} s)");
            await Task.Delay(Poll);
        }
    }
}
