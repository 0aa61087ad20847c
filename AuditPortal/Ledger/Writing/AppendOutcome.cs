using AuditPortal.Infrastructure;

namespace AuditPortal.Ledger.Writing;

/// <summary>The result of one append request: receipts after commit, or the reason nothing was stored.</summary>
public abstract record AppendOutcome;

public sealed record Appended(IReadOnlyList<Receipt> Receipts) : AppendOutcome;

/// <param name="Invalid">Errors that make the request malformed against the ledger's state (400).</param>
/// <param name="Conflicts">Errors against recorded history: id reuse, four-eyes, publish rules (409).</param>
public sealed record Rejected(FieldErrors Invalid, FieldErrors Conflicts) : AppendOutcome;

/// <summary>What the client keeps as proof of submission; <c>leafHash</c> is lowercase hex (DESIGN.md §4).</summary>
public sealed record Receipt(string Id, long Sequence, string LeafHash, bool Duplicate);
