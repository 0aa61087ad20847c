namespace AuditPortal.Ledger.Writing;

/// <summary>
/// Turns at SQLite's one write lock among this instance's writers: the writer holds the gate for each
/// group commit (and takes its group only once the turn has begun), and the WAL checkpoint, the search
/// indexer and the checkpoint publisher write between two of them. SQLite's busy handler is not fair,
/// and it sleeps (1, 2, 5, 10 … ms) before each retry: without turns a writer that never pauses starves
/// the log restart, and a write squeezed in between two group commits makes the writer sleep.
/// Waiters are served in order (SemaphoreSlim queues asynchronous waiters first in, first out).
/// </summary>
public sealed class AppendGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }
}
