using System.Security.Claims;
using AuditPortal.Components;
using AuditPortal.Security;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// bUnit with MudBlazor, the portal's real role policies, and a signed-in person held by the same
/// authentication state provider Blazor Server uses. Tests add their services, then render.
/// </summary>
public abstract class DashboardTestContext : BunitContext
{
    private readonly ServerAuthenticationStateProvider _authentication = new();

    protected DashboardTestContext()
    {
        // bUnit waits 1 s by default; pages here read and record through a real ledger (durable
        // access events), which on CI's two cores, shared with the browser tests, can take longer.
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddAuthorizationBuilder().AddPortalPolicies();
        // bUnit registers placeholders that refuse to authorize; the real service evaluates the real policies.
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddCascadingAuthenticationState();
        Services.AddSingleton<AuthenticationStateProvider>(_authentication);
        Services.AddScoped<ViewerTimeZone>();
        SignInAs(null);
    }

    /// <param name="role">The highest role, or null for a signed-in person without one.</param>
    protected void SignInAs(string? role, string actorId = "someone@example.com") =>
        _authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(
            PortalClaims.Principal("Test", actorId, null, role is null ? [] : [role]))));

    /// <summary>Renders as on a connected circuit (the first use of the renderer closes the service collection).</summary>
    protected IRenderedComponent<T> RenderInteractive<T>() where T : IComponent
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<T>();
    }
}
