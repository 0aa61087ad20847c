using AuditPortal.Security;

namespace AuditPortal.Features.Account;

/// <summary>
/// The demo people of Authentication:Mode=Development (Development environment only): one per
/// role, a second admin (retention changes need two), and one whose sign-in maps to no role, so
/// every part of the dashboard can be tried.
/// </summary>
public static class DevelopmentUsers
{
    public static readonly IReadOnlyList<DevelopmentUser> All =
    [
        new("rita.reviewer@example.com", "Rita Reviewer", PortalRoles.Reviewer),
        new("mark.manager@example.com", "Mark Manager", PortalRoles.Manager),
        new("ada.admin@example.com", "Ada Admin", PortalRoles.Admin),
        new("ben.admin@example.com", "Ben Admin", PortalRoles.Admin),
        new("nora.norole@example.com", "Nora No-Role", null),
    ];

    public static DevelopmentUser? Find(string? id) => All.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <param name="Role">The highest role; null for a person the portal knows but grants nothing.</param>
public sealed record DevelopmentUser(string Id, string DisplayName, string? Role);
