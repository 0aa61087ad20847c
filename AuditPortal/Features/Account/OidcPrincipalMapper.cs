using System.Security.Claims;
using System.Text.Json;
using AuditPortal.Configuration;
using AuditPortal.Security;

namespace AuditPortal.Features.Account;

/// <summary>
/// Turns the identity provider's claims into the portal's: the person's id (UserIdClaim, then
/// preferred_username, then sub) and the roles RoleMap grants for the values of RoleClaim. Only
/// configuration decides this, so Entra ID, Keycloak or Auth0 need no code.
/// </summary>
public static class OidcPrincipalMapper
{
    public const string AuthenticationType = "OpenIdConnect";

    public static ClaimsPrincipal Map(ClaimsPrincipal external, OpenIdConnectSettings settings)
    {
        var actorId = new[] { settings.UserIdClaim, "email", "preferred_username", "sub" }
            .Select(type => external.FindFirst(type)?.Value)
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            ?? throw new InvalidOperationException($"The identity provider sent none of the claims {settings.UserIdClaim}, preferred_username, sub.");
        var displayName = external.FindFirst("name")?.Value;

        var values = RoleClaimValues(external, settings.RoleClaim);
        var granted = new List<string>();
        var unmapped = new List<string>();
        foreach (var value in values)
        {
            var match = settings.RoleMap.FirstOrDefault(m => string.Equals(m.Key, value, StringComparison.Ordinal));
            if (match.Key is not null && PortalRoles.IsRole(match.Value)) granted.Add(match.Value);
            else unmapped.Add(value);
        }
        return PortalClaims.Principal(AuthenticationType, actorId.Trim(), displayName, granted, unmapped);
    }

    /// <summary>A provider sends roles as repeated claims, one claim holding a JSON array, or one plain value.</summary>
    public static IReadOnlyList<string> RoleClaimValues(ClaimsPrincipal external, string roleClaim)
    {
        var values = new List<string>();
        foreach (var claim in external.FindAll(roleClaim))
        {
            var text = claim.Value.Trim();
            if (text.StartsWith('[') && TryReadArray(text, values)) continue;
            if (text.Length > 0) values.Add(text);
        }
        return values;
    }

    private static bool TryReadArray(string text, List<string> into)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return false;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var value = item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText();
                if (!string.IsNullOrWhiteSpace(value)) into.Add(value.Trim());
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
