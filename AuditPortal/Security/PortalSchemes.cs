namespace AuditPortal.Security;

public static class PortalSchemes
{
    /// <summary>The default scheme: /api/… goes to the API key handler, everything else to the cookie.</summary>
    public const string Selector = "Portal";
    public const string Cookie = "PortalCookie";
    public const string OpenIdConnect = "oidc";
    public const string CookieName = "AuditPortal.Session";
}
