using System.Security.Claims;
using AuditPortal.Data.Ledger;
using AuditPortal.Security;

namespace AuditPortal.Reading;

/// <summary>
/// Who is reading, for the access event that records the read: the one function every read path
/// (API endpoints, dashboard pages, exports) asks, so no path assumes an API key or a person.
/// </summary>
public static class ReadActor
{
    /// <summary>
    /// A person signed in to the dashboard (their <see cref="PortalClaims.ActorId"/>, kind user) or an
    /// API key's service account (the key's name, kind service).
    /// </summary>
    /// <exception cref="InvalidOperationException">Nobody is signed in: reads are never anonymous.</exception>
    public static ActorRef From(ClaimsPrincipal user)
    {
        // The id only: a display name from an identity provider is not the ledger's to vouch for.
        if (user.FindFirst(PortalClaims.ActorId) is not null) return new ActorRef(PortalClaims.ActorIdOf(user), ActorKinds.User);
        if (user.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyDefaults.Scheme })
            return ApiKeyPrincipal.Actor(user);
        throw new InvalidOperationException("Reads of audited data need a signed-in person or an API key; nobody is signed in.");
    }
}
