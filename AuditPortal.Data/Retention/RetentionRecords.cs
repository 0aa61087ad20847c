namespace AuditPortal.Data.Retention;

/// <summary>A policy in force. <paramref name="Version"/> is the sequence of the event that put this version in force.</summary>
public sealed record RetentionPolicy(string Id, RetentionScope Scope, int Days, long Version, string ProposedBy, string ConfirmedBy, DateTime InForceSinceUtc);

/// <summary>A legal hold; <paramref name="ReleasedAtUtc"/> is set once a release was confirmed.</summary>
public sealed record LegalHold(string Id, HoldScope Scope, string Reason, string Owner, string PlacedBy, DateTime PlacedAtUtc, long Sequence,
    DateTime? ReleasedAtUtc = null)
{
    public bool Active => ReleasedAtUtc is null;
}

/// <summary>A confirmed erasure request for one data subject (an actor id).</summary>
public sealed record ErasureRequest(string Id, string Subject, string Reference, string ProposedBy, string ConfirmedBy, DateTime ConfirmedAtUtc, long Version);

public enum ProposalKind { PolicyCreate, PolicyChange, PolicyDelete, HoldRelease, Erasure }

/// <summary>A change that waits for a second admin; it lapses <see cref="RetentionRules.ProposalLifetime"/> after it was proposed.</summary>
public sealed record RetentionProposal(string Id, ProposalKind Kind, string ProposedBy, DateTime ProposedAtUtc, long Sequence,
    string? PolicyId, RetentionScope? Scope, int? Days, string? HoldId, string? Subject, string? Reference)
{
    public DateTime ExpiresAtUtc => ProposedAtUtc + RetentionRules.ProposalLifetime;
}
