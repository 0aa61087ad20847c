using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;

namespace AuditPortal.Data.Retention;

/// <summary>
/// How retention decisions are written into the ledger: <c>config.changed</c> events submitted by
/// <see cref="PortalAccount.Recorder"/>, the admin who acted as actor, and flat string attributes
/// (<c>change</c> names the step). Every proposal, confirmation and rejection carries the state
/// before and after as canonical JSON, so the ledger alone tells what changed. docs/retention.md.
/// </summary>
public static class RetentionLedger
{
    public const string Proposed = "retention.proposed";
    public const string Confirmed = "retention.confirmed";
    public const string Rejected = "retention.rejected";
    public const string HoldPlaced = "retention.hold.placed";

    /// <summary>The tombstone type: reserved for the portal, refused from clients.</summary>
    public const string AppliedType = "retention.applied";

    public static string KindName(ProposalKind kind) => kind switch
    {
        ProposalKind.PolicyCreate => "policy.create",
        ProposalKind.PolicyChange => "policy.change",
        ProposalKind.PolicyDelete => "policy.delete",
        ProposalKind.HoldRelease => "hold.release",
        ProposalKind.Erasure => "erasure",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ProposalKind? ParseKind(string? name) => name switch
    {
        "policy.create" => ProposalKind.PolicyCreate,
        "policy.change" => ProposalKind.PolicyChange,
        "policy.delete" => ProposalKind.PolicyDelete,
        "hold.release" => ProposalKind.HoldRelease,
        "erasure" => ProposalKind.Erasure,
        _ => null,
    };

    public static JsonObject ProposalAttributes(RetentionProposal p, string before, string after)
    {
        var a = new JsonObject { ["change"] = Proposed, ["proposal"] = p.Id, ["kind"] = KindName(p.Kind), ["before"] = before, ["after"] = after };
        Add(a, "policy", p.PolicyId);
        Add(a, "scope.type", p.Scope?.Type);
        Add(a, "scope.application", p.Scope?.Application);
        Add(a, "scope.model", p.Scope?.Model);
        Add(a, "days", p.Days?.ToString(CultureInfo.InvariantCulture));
        Add(a, "hold", p.HoldId);
        Add(a, "subject", p.Subject);
        Add(a, "reference", p.Reference);
        return a;
    }

    public static JsonObject DecisionAttributes(string change, RetentionProposal p, string before, string after) => new()
    {
        ["change"] = change, ["proposal"] = p.Id, ["kind"] = KindName(p.Kind), ["before"] = before, ["after"] = after,
    };

    public static JsonObject HoldAttributes(LegalHold h)
    {
        var a = new JsonObject { ["change"] = HoldPlaced, ["hold"] = h.Id, ["reason"] = h.Reason, ["owner"] = h.Owner, ["after"] = Describe(h) };
        Add(a, "scope.actor", h.Scope.Actor);
        Add(a, "scope.application", h.Scope.Application);
        Add(a, "scope.prompt", h.Scope.Prompt);
        Add(a, "scope.from", h.Scope.FromUtc?.ToString("O", CultureInfo.InvariantCulture));
        Add(a, "scope.to", h.Scope.ToUtc?.ToString("O", CultureInfo.InvariantCulture));
        return a;
    }

    /// <summary>A policy (or none) as the canonical JSON that "before" and "after" hold.</summary>
    public static string Describe(RetentionPolicy? policy) => policy is null ? "none" : Describe(policy.Id, policy.Scope, policy.Days);

    public static string Describe(string id, RetentionScope scope, int days)
    {
        var s = new JsonObject();
        Add(s, "application", scope.Application);
        Add(s, "model", scope.Model);
        Add(s, "type", scope.Type);
        return new JsonObject { ["days"] = days, ["policy"] = id, ["scope"] = s }.ToJsonString();
    }

    public static string Describe(LegalHold hold) => new JsonObject
    {
        ["hold"] = hold.Id, ["owner"] = hold.Owner, ["reason"] = hold.Reason, ["released"] = hold.ReleasedAtUtc is not null,
    }.ToJsonString();

    private static void Add(JsonObject attributes, string key, string? value)
    {
        if (value is not null) attributes[key] = value;
    }
}
