using System.Security.Claims;

namespace AuditPortal.Security;

/// <summary>
/// The claims a signed-in person carries in the portal's cookie, whichever way they signed in.
/// Everything that attributes an action to a person (access events) reads the actor id through
/// <see cref="ActorIdOf"/>, so there is one answer to "who was this?".
/// </summary>
public static class PortalClaims
{
    public const string ActorId = "auditportal/actor";
    public const string Name = "auditportal/name";
    public const string Role = "auditportal/role";
    /// <summary>Role-claim values the provider sent that RoleMap does not map: the no-access page shows them.</summary>
    public const string UnmappedRole = "auditportal/unmapped-role";

    public static string ActorIdOf(ClaimsPrincipal user) =>
        user.FindFirst(ActorId)?.Value ?? throw new InvalidOperationException("The user is not signed in to the dashboard.");

    public static string DisplayNameOf(ClaimsPrincipal user) => user.FindFirst(Name)?.Value ?? user.FindFirst(ActorId)?.Value ?? "";

    public static IReadOnlyList<string> RolesOf(ClaimsPrincipal user) => [.. user.FindAll(Role).Select(c => c.Value)];

    public static IReadOnlyList<string> UnmappedRolesOf(ClaimsPrincipal user) => [.. user.FindAll(UnmappedRole).Select(c => c.Value)];

    /// <param name="roles">Portal roles; the roles they include are added.</param>
    public static ClaimsPrincipal Principal(string authenticationType, string actorId, string? displayName, IEnumerable<string> roles,
        IEnumerable<string>? unmappedRoleValues = null)
    {
        var claims = new List<Claim> { new(ActorId, actorId), new(Name, string.IsNullOrWhiteSpace(displayName) ? actorId : displayName) };
        claims.AddRange(PortalRoles.WithIncluded(roles).Select(r => new Claim(Role, r)));
        // Bounded: the cookie carries them, and a provider may send hundreds of groups.
        claims.AddRange((unmappedRoleValues ?? []).Distinct(StringComparer.Ordinal).Take(20)
            .Select(v => new Claim(UnmappedRole, v.Length <= 120 ? v : v[..120] + "…")));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, Name, Role));
    }
}
