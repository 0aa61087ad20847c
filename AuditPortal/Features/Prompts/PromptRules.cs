using AuditPortal.Data.Ledger;
using AuditPortal.Ledger.Writing;

namespace AuditPortal.Features.Prompts;

/// <summary>
/// The prompt rules of DESIGN.md §4 (consecutive versions, four eyes, publish only what is approved),
/// plugged into the writer: each append transaction loads the registry of the prompts its events name.
/// </summary>
public sealed class PromptRules : IAppendRule
{
    public async Task<IAppendRuleScope> BeginAsync(LedgerDbContext db, IReadOnlyList<IncomingEvent> incoming, CancellationToken cancellationToken) =>
        await PromptRegistry.LoadAsync(db, incoming, cancellationToken);
}
