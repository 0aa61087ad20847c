using Microsoft.AspNetCore.Authorization;

namespace AuditPortal.Security;

/// <summary>
/// One policy per role, named after it. They accept only the dashboard's cookie, so an API key
/// can never open a page, just as a cookie can never call /api/v1.
/// </summary>
public static class PortalPolicies
{
    public const string Reviewer = PortalRoles.Reviewer;
    public const string Manager = PortalRoles.Manager;
    public const string Admin = PortalRoles.Admin;

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in PortalRoles.Ranked)
            builder.AddPolicy(role, p => p.AddAuthenticationSchemes(PortalSchemes.Cookie).RequireAuthenticatedUser().RequireClaim(PortalClaims.Role, role));
        return builder;
    }
}
