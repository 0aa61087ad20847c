using AuditPortal.Configuration;
using AuditPortal.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Account;

/// <summary>
/// The form posts behind the sign-in and sign-out pages. They share their pages' routes (GET shows
/// the page, POST acts), so they are ordered before the page endpoints, which accept POST too.
/// Both check the antiforgery token.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription().AllowAnonymous();
        account.MapPost("/signin", DevelopmentSignInAsync).WithOrder(-1);
        account.MapGet("/signin/oidc", StartOpenIdConnectSignIn);
        account.MapPost("/signout", SignOutAsync).WithOrder(-1);
        return app;
    }

    /// <summary>Development mode only: signs in as one of <see cref="DevelopmentUsers"/>.</summary>
    private static async Task<IResult> DevelopmentSignInAsync(HttpContext http, IOptions<PortalOptions> options, IHostEnvironment environment,
        [FromForm(Name = "user")] string? user, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        // The start-up check refuses this mode outside Development; checked again here because it signs anyone in.
        if (!options.Value.IsDevelopmentSignIn() || !environment.IsDevelopment())
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Development sign-in is off",
                detail: "This portal signs people in through its identity provider.");
        if (DevelopmentUsers.Find(user) is not { } person)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown demo user",
                detail: "Choose one of the people listed on the sign-in page.");

        var principal = PortalClaims.Principal("Development", person.Id, person.DisplayName, person.Role is null ? [] : [person.Role]);
        await http.SignInAsync(PortalSchemes.Cookie, principal);
        return TypedResults.LocalRedirect(LocalUrl(returnUrl));
    }

    private static IResult StartOpenIdConnectSignIn(IOptions<PortalOptions> options, string? returnUrl) =>
        options.Value.IsDevelopmentSignIn()
            ? TypedResults.LocalRedirect("/account/signin")
            : TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [PortalSchemes.OpenIdConnect]);

    /// <summary>Ends the portal session, then the provider's where it offers end-session.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IOptions<PortalOptions> options, IServiceProvider services, IAntiforgery antiforgery)
    {
        // The middleware checks form posts only; a sign-out sent any other way must carry the token too.
        if (!await antiforgery.IsRequestValidAsync(http))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The sign-out request is not valid",
                detail: "Sign out with the button on the portal's pages.");
        await http.SignOutAsync(PortalSchemes.Cookie);
        if (!options.Value.IsDevelopmentSignIn())
        {
            var oidc = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(PortalSchemes.OpenIdConnect);
            var metadata = oidc.ConfigurationManager is { } manager ? await manager.GetConfigurationAsync(http.RequestAborted) : null;
            if (!string.IsNullOrEmpty(metadata?.EndSessionEndpoint))
                return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out" }, [PortalSchemes.OpenIdConnect]);
        }
        return TypedResults.LocalRedirect("/account/signed-out");
    }

    /// <summary>Only paths on this portal: a return URL must never send someone elsewhere.</summary>
    public static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
