using AuditPortal.Configuration;
using AuditPortal.Features.Account;
using AuditPortal.Features.Evidence;
using AuditPortal.Features.Integrity;
using AuditPortal.Features.Overview;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using MudBlazor.Services;

namespace AuditPortal.Components;

/// <summary>The compliance dashboard: Blazor pages on a server circuit, sign-in, and the services its pages read.</summary>
public static class DashboardComposition
{
    public static WebApplicationBuilder AddPortalDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddDashboardAuthentication(builder.Configuration);
        builder.Services.AddSharedCookieKeys();
        builder.Services.AddSingleton<LedgerSummary>();
        builder.Services.AddSingleton<ActivityStatistics>();
        builder.Services.AddHostedService<ActivityWarmUp>();
        builder.Services.AddSingleton<IntegrityStatus>();
        builder.Services.AddSingleton<VerificationRuns>();
        builder.Services.AddSingleton<FilterSuggestions>();
        // The same folder the settings' other relative paths are resolved against (PortalConfiguration).
        builder.Services.AddEvidenceJobs(PortalConfiguration.FindSettingsFolder(builder.Environment.ContentRootPath));
        // Scoped: one per circuit, so each viewer's browser is asked once.
        builder.Services.AddScoped<ViewerTimeZone>();
        // An unpublished build outside Development would answer 500 for MudBlazor's css and js.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>After authentication and authorization: forms are checked for antiforgery tokens.</summary>
    public static WebApplication MapPortalDashboard(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapEvidenceDownloads();
        // Blazor would add a second CSP header of its own ("frame-ancestors 'self'"); SecurityHeaders' policy already says 'none'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
