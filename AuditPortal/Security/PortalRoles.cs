namespace AuditPortal.Security;

/// <summary>
/// The dashboard's three roles, each including the rights of the ones below it (DESIGN.md §6):
/// a Manager is also a Reviewer, an Admin also a Manager. A principal carries every role it has,
/// so a policy asks for exactly one role claim.
/// </summary>
public static class PortalRoles
{
    public const string Reviewer = "Reviewer";
    public const string Manager = "Manager";
    public const string Admin = "Admin";

    /// <summary>Lowest first: a role includes every role before it.</summary>
    public static readonly IReadOnlyList<string> Ranked = [Reviewer, Manager, Admin];

    public static bool IsRole(string value) => Ranked.Contains(value, StringComparer.Ordinal);

    /// <summary>The given roles and every role they include, lowest first.</summary>
    public static IReadOnlyList<string> WithIncluded(IEnumerable<string> roles)
    {
        var highest = roles.Select(r => Ranked.IndexOf(r)).DefaultIfEmpty(-1).Max();
        return [.. Ranked.Take(highest + 1)];
    }

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
