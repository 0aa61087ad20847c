using AuditPortal.Ledger.Writing;

namespace AuditPortal.Ledger;

/// <summary>Lets the writer wake the search indexer as soon as a group commit added entries.</summary>
public sealed class SearchIndexSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Appended()
    {
        if (_wake.CurrentCount != 0) return;
        try { _wake.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
