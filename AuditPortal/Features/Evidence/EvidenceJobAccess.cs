using System.Security.Claims;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authorization;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Who may act on a pack: a Manager or an Admin (export is theirs), and of those only its exporter or
/// an Admin. One rule for the download endpoint and the page's cancel buttons, checked on every action
/// (a circuit can be driven without the buttons, and a session can outlive a role).
/// </summary>
public static class EvidenceJobAccess
{
    public static async Task<EvidenceJobPermission> CheckAsync(ClaimsPrincipal user, EvidenceJob job, IAuthorizationService authorization)
    {
        if (!(await authorization.AuthorizeAsync(user, PortalPolicies.Manager)).Succeeded) return EvidenceJobPermission.NotAManager;
        if (job.ExporterId == PortalClaims.ActorIdOf(user)) return EvidenceJobPermission.Allowed;
        return (await authorization.AuthorizeAsync(user, PortalPolicies.Admin)).Succeeded ? EvidenceJobPermission.Allowed : EvidenceJobPermission.NotTheExporter;
    }
}

public enum EvidenceJobPermission { Allowed, NotAManager, NotTheExporter }
