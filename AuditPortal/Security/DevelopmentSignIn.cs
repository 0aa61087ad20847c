using AuditPortal.Configuration;

namespace AuditPortal.Security;

public static class DevelopmentSignIn
{
    /// <summary>Anyone may sign in as a demo person (Authentication:Mode=Development); the shell warns on every page.</summary>
    public static bool IsDevelopmentSignIn(this PortalOptions options) => options.Authentication.Mode == "Development";
}
