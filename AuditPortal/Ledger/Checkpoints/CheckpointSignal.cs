namespace AuditPortal.Ledger.Checkpoints;

/// <summary>Lets the writer wake the checkpointer as soon as enough entries have accumulated.</summary>
public sealed class CheckpointSignal : WakeSignal
{
    private long _appendedSize;

    public long AppendedSize => Interlocked.Read(ref _appendedSize);

    public void Appended(long treeSize)
    {
        Interlocked.Exchange(ref _appendedSize, treeSize);
        Wake();
    }
}
