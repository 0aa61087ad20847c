using System.Net;
using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuditPortal.Tests.Dashboard;

/// <summary>Pages behind sign-in, /api/v1 behind API keys, and the security headers, over HTTP against the real portal.</summary>
public sealed class PageAuthorizationTests
{
    [Fact]
    public void EveryPageDeclaresWhoMayOpenIt()
    {
        var pages = typeof(AuditPortalEntryPoint).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(RouteAttribute), false).Length > 0).ToList();

        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.True(
            page.GetCustomAttributes(typeof(AuthorizeAttribute), true).OfType<AuthorizeAttribute>().Any(a => a.Policy is not null)
            || page.IsDefined(typeof(AllowAnonymousAttribute), true),
            $"{page.Name} has neither [Authorize(Policy = …)] nor [AllowAnonymous]"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/integrity")]
    [InlineData("/admin/api-keys")]
    [InlineData("/timeline")]
    [InlineData("/access")]
    [InlineData("/evidence")]
    [InlineData("/retention")]
    public async Task APageRequestWithoutASessionStartsTheSignIn(string path)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task TheApiAnswersProblemDetailsNeverARedirect()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/account/signin")]
    [InlineData("/api/v1/checkpoints/key")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var client = portal.CreateClient();

        var response = await client.GetAsync(path);

        response.EnsureSuccessStatusCode();
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}
