using AuditPortal.Data.Ledger;

namespace AuditPortal.Data.Projections;

/// <summary>
/// The portal's own account: the submitter of every configuration change the portal records on an
/// operator's behalf (API keys, retention). No API key can hold it (their envelopes say kind
/// "service"), so only events it submitted are acted on.
/// </summary>
public static class PortalAccount
{
    public static readonly ActorRef Recorder = new("auditportal", ActorKinds.System);
}
