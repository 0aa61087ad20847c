using AuditPortal.Configuration;
using Microsoft.Extensions.Options;

namespace AuditPortal.Infrastructure;

/// <summary>
/// Headers on every response: the browser loads only what the portal itself serves, never frames
/// it, never sniffs types and never sends the portal's URLs (which carry filters) to anyone else.
/// </summary>
public static class SecurityHeaders
{
    public static WebApplication UsePortalSecurityHeaders(this WebApplication app)
    {
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<PortalOptions>>().Value);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        return app;
    }

    /// <remarks>
    /// Blazor's circuit needs only its own origin: scripts from 'self', a WebSocket to 'self'.
    /// Styles allow inline attributes because MudBlazor positions and sizes components with them;
    /// scripts do not. Forms may post only here, and to the identity provider (sign-out ends its session).
    /// </remarks>
    public static string ContentSecurityPolicy(PortalOptions options)
    {
        var formAction = "'self'";
        if (!options.Authentication.Mode.Equals("Development", StringComparison.Ordinal)
            && Uri.TryCreate(options.Authentication.OpenIdConnect.Authority, UriKind.Absolute, out var authority))
            formAction += " " + authority.GetLeftPart(UriPartial.Authority);
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
               $"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action {formAction}; frame-ancestors 'none'";
    }
}
