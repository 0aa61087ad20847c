namespace AuditPortal.Ledger;

/// <summary>Lets the writer wake the search indexer as soon as a group commit added entries.</summary>
public sealed class SearchIndexSignal : WakeSignal
{
    public void Appended() => Wake();
}
