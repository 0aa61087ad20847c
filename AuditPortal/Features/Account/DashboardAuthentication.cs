using AuditPortal.Configuration;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Account;

/// <summary>
/// How people sign in to the dashboard, beside the API keys services use. Pages use a cookie,
/// issued either by the Development sign-in page or after an OpenID Connect code + PKCE login;
/// /api/v1 only ever sees the API key handler, so it answers 401/403 problem details and a
/// browser's cookie never authorizes it.
/// </summary>
public static class DashboardAuthentication
{
    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // The OIDC handler is registered only in that mode: the authentication middleware builds
        // every remote handler on each request, and an unconfigured one would fail them all.
        var mode = configuration[$"{PortalOptions.Section}:Authentication:Mode"] ?? new AuthenticationSettings().Mode;
        var openIdConnect = string.Equals(mode, "OpenIdConnect", StringComparison.Ordinal);

        var authentication = services.AddAuthentication(o =>
            {
                o.DefaultScheme = PortalSchemes.Selector;
                o.DefaultSignInScheme = PortalSchemes.Cookie;
                o.DefaultSignOutScheme = PortalSchemes.Cookie;
            })
            .AddPolicyScheme(PortalSchemes.Selector, null, o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") ? ApiKeyDefaults.Scheme : PortalSchemes.Cookie)
            .AddCookie(PortalSchemes.Cookie, o =>
            {
                o.Cookie.Name = PortalSchemes.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/account/signin";
                o.AccessDeniedPath = "/account/no-access";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                if (openIdConnect) o.ForwardChallenge = PortalSchemes.OpenIdConnect;
            });

        if (openIdConnect)
        {
            authentication.AddOpenIdConnect(PortalSchemes.OpenIdConnect, o =>
            {
                o.SignInScheme = PortalSchemes.Cookie;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.MapInboundClaims = false;
                o.SaveTokens = true; // the id token is the hint the provider's end-session endpoint wants
                o.GetClaimsFromUserInfoEndpoint = false;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" }) o.Scope.Add(scope);
                o.CallbackPath = "/signin-oidc";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
                o.SignedOutRedirectUri = "/account/signed-out";
                o.CorrelationCookie.Name = "AuditPortal.Correlation.";
                o.NonceCookie.Name = "AuditPortal.Nonce.";
            });
            // Read when the handler is first built, so that every configuration source has been applied.
            services.AddOptions<OpenIdConnectOptions>(PortalSchemes.OpenIdConnect)
                .Configure<IOptions<PortalOptions>>((o, portal) =>
                {
                    var settings = portal.Value.Authentication.OpenIdConnect;
                    o.Authority = settings.Authority;
                    o.ClientId = settings.ClientId;
                    o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
                    o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                    o.Events.OnTokenValidated = context =>
                    {
                        context.Principal = OidcPrincipalMapper.Map(context.Principal!, settings);
                        return Task.CompletedTask;
                    };
                    // A cancelled or refused login is a page that says so, not an exception page.
                    o.Events.OnRemoteFailure = context =>
                    {
                        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardAuthentication))
                            .LogWarning(context.Failure, "Sign-in through the identity provider did not complete");
                        context.Response.Redirect("/account/signin-failed");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    };
                });
        }

        services.AddAuthorizationBuilder().AddPortalPolicies();
        services.AddCascadingAuthenticationState();
        return services;
    }
}
