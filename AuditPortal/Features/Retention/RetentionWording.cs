using AuditPortal.Data.Retention;

namespace AuditPortal.Features.Retention;

/// <summary>Retention's steps and scopes as the page says them.</summary>
public static class RetentionWording
{
    public static string Describe(RetentionProposal p, RetentionState state) => p.Kind switch
    {
        ProposalKind.PolicyCreate => $"New policy for {p.Scope}: keep content {p.Days} days",
        ProposalKind.PolicyChange => $"Change the policy for {p.Scope}: {state.Policy(p.PolicyId!)?.Days.ToString() ?? "?"} → {p.Days} days",
        ProposalKind.PolicyDelete when state.Policy(p.PolicyId!) is { } policy => $"Delete the policy for {policy.Scope} ({policy.Days} days)",
        ProposalKind.PolicyDelete => $"Delete the policy {p.PolicyId} (no longer in force)",
        ProposalKind.HoldRelease when state.Hold(p.HoldId!) is { } hold => $"Release the hold on {Describe(hold.Scope)} (“{hold.Reason}”)",
        ProposalKind.HoldRelease => $"Release the hold {p.HoldId}",
        ProposalKind.Erasure => $"Erase the content of {p.Subject}'s events (reference {p.Reference}), except what a hold keeps",
        _ => p.Kind.ToString(),
    };

    public static string Describe(HoldScope scope) => string.Join(", ", new[]
    {
        scope.Actor is null ? null : $"user {scope.Actor}",
        scope.Application is null ? null : $"application {scope.Application}",
        scope.Prompt is null ? null : $"prompt {scope.Prompt}",
        scope.FromUtc is null ? null : $"from {scope.FromUtc:yyyy-MM-dd HH:mm} UTC",
        scope.ToUtc is null ? null : $"until {scope.ToUtc:yyyy-MM-dd HH:mm} UTC",
    }.OfType<string>());

    public static string When(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm") + " UTC";
}
