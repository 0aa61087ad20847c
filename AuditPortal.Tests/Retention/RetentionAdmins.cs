using AuditPortal.Data.Ledger;

namespace AuditPortal.Tests.Retention;

/// <summary>The two admins dual control needs, and the test's cancellation token.</summary>
public static class RetentionAdmins
{
    public static readonly ActorRef Ada = new("ada.admin@example.com", ActorKinds.User);
    public static readonly ActorRef Bob = new("bob.admin@example.com", ActorKinds.User);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}
