using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;

namespace AuditPortal.Ledger.Writing;

/// <summary>
/// A rule about what may be appended (the prompt lifecycle, for one), checked by the writer inside the
/// append transaction, under the database's append lock, so that no other instance can race it.
/// Features register their rules in DI; the writer knows only this contract.
/// </summary>
public interface IAppendRule
{
    /// <summary>Loads the state the rule needs for one transaction's events (it runs under the append lock).</summary>
    Task<IAppendRuleScope> BeginAsync(LedgerDbContext db, IReadOnlyList<IncomingEvent> incoming, CancellationToken cancellationToken);
}

/// <summary>A rule's state for one append transaction, which may hold several requests (group commit).</summary>
public interface IAppendRuleScope
{
    /// <summary>A scratch view for one request: its checks see its own earlier events; nothing sticks unless committed.</summary>
    IAppendRuleStage Stage();
}

/// <summary>A rule applied to one request's events, in order.</summary>
public interface IAppendRuleStage
{
    /// <summary>Checks one event that is not a duplicate; on success its effect is visible to the request's later events.</summary>
    /// <param name="invalid">Errors that make the request malformed against the ledger's state (400).</param>
    /// <param name="conflicts">Errors against recorded history (409).</param>
    void Check(IncomingEvent incoming, FieldErrors invalid, FieldErrors conflicts);

    /// <summary>The request was accepted: records the sequences its events received and makes its changes part of the transaction.</summary>
    void Commit(IReadOnlyDictionary<string, long> sequences);
}
