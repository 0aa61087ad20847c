using AuditPortal.Components;
using AuditPortal.Configuration;
using AuditPortal.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditPortal.Tests.Dashboard;

/// <summary>What someone refused a page reads: the role they lack, or the mapping an administrator must add.</summary>
public sealed class NoAccessNoticeTests : DashboardTestContext
{
    public NoAccessNoticeTests() =>
        Services.AddSingleton(Options.Create(new PortalOptions { Authentication = new AuthenticationSettings { Mode = "Development" } }));

    [Theory]
    [InlineData(PortalRoles.Reviewer)]
    [InlineData(PortalRoles.Manager)]
    public void SomeoneWithALowerRoleIsToldTheyNeedAHigherOneNotThatTheyHaveNone(string role)
    {
        SignInAs(role, "rita.reviewer@example.com");

        var cut = Render<NoAccessNotice>();

        Assert.Contains($"with the role {role}. This page needs a higher role", cut.Find("[data-testid=no-access-role]").TextContent);
        Assert.DoesNotContain("grants none of the dashboard's roles", cut.Markup);
    }

    [Fact]
    public void SomeoneWithoutARoleIsToldTheirSignInGrantsNone()
    {
        SignInAs(null, "nora.norole@example.com");

        var cut = Render<NoAccessNotice>();

        Assert.Contains("grants none of the dashboard's roles", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=no-access-role]"));
    }
}
