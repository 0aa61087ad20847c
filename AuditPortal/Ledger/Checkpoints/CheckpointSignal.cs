using AuditPortal.Ledger.Writing;

namespace AuditPortal.Ledger.Checkpoints;

/// <summary>Lets the writer wake the checkpointer as soon as enough entries have accumulated.</summary>
public sealed class CheckpointSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _appendedSize;

    public long AppendedSize => Interlocked.Read(ref _appendedSize);

    public void Appended(long treeSize)
    {
        Interlocked.Exchange(ref _appendedSize, treeSize);
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { /* already signalled */ }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
