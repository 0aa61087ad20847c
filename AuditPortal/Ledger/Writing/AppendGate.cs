namespace AuditPortal.Ledger.Writing;

/// <summary>
/// Turns between this instance's appends and the SQLite log restart: the writer holds the gate for
/// each group commit and the checkpoint service between two of them. SQLite's busy handler is not
/// fair, so without it a writer that never pauses starves the restart and the log grows without end.
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
