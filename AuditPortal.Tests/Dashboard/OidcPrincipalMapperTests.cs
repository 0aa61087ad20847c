using System.Security.Claims;
using AuditPortal.Configuration;
using AuditPortal.Features.Account;
using AuditPortal.Security;

namespace AuditPortal.Tests.Dashboard;

/// <summary>How a provider's claims become the portal's person and roles, by configuration alone.</summary>
public sealed class OidcPrincipalMapperTests
{
    private static readonly OpenIdConnectSettings Settings = new()
    {
        RoleClaim = "groups",
        RoleMap = new() { ["auditors"] = "Reviewer", ["compliance-leads"] = "Manager", ["portal-admins"] = "Admin" },
    };

    private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void RolesAreCumulativeSoAnAdminIsAlsoAManagerAndAReviewer()
    {
        var user = OidcPrincipalMapper.Map(External(("sub", "1"), ("email", "ada@example.com"), ("groups", "portal-admins")), Settings);

        Assert.Equal(["Reviewer", "Manager", "Admin"], PortalClaims.RolesOf(user));
        Assert.True(user.IsInRole("Manager"));
    }

    [Fact]
    public void ARoleClaimHoldingAJsonArrayIsReadAsItsValues()
    {
        var user = OidcPrincipalMapper.Map(External(("sub", "1"), ("groups", """["staff","compliance-leads"]""")), Settings);

        Assert.Equal(["Reviewer", "Manager"], PortalClaims.RolesOf(user));
        Assert.Equal(["staff"], PortalClaims.UnmappedRolesOf(user));
    }

    [Fact]
    public void ValuesTheRoleMapDoesNotNameGrantNothingAndAreKeptForTheNoAccessPage()
    {
        var user = OidcPrincipalMapper.Map(External(("sub", "1"), ("groups", "staff"), ("groups", "Auditors"), ("roles", "portal-admins")), Settings);

        Assert.Empty(PortalClaims.RolesOf(user));
        Assert.Equal(["staff", "Auditors"], PortalClaims.UnmappedRolesOf(user));
    }

    [Theory]
    [InlineData("email", "ada@example.com")]
    [InlineData("preferred_username", "ada")]
    [InlineData("sub", "0f3c")]
    public void ThePersonIsNamedByUserIdClaimThenPreferredUsernameThenSub(string present, string expected)
    {
        var all = new Dictionary<string, string> { ["email"] = "ada@example.com", ["preferred_username"] = "ada", ["sub"] = "0f3c" };
        var claims = all.SkipWhile(c => c.Key != present).Select(c => (c.Key, c.Value)).ToArray();

        Assert.Equal(expected, PortalClaims.ActorIdOf(OidcPrincipalMapper.Map(External(claims), Settings)));
    }

    [Fact]
    public void AConfiguredUserIdClaimWinsOverEmail()
    {
        var settings = new OpenIdConnectSettings { UserIdClaim = "upn", RoleClaim = "groups" };
        var user = OidcPrincipalMapper.Map(External(("sub", "1"), ("email", "a@example.com"), ("upn", "ada@corp.example")), settings);

        Assert.Equal("ada@corp.example", PortalClaims.ActorIdOf(user));
    }
}
