using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// A real OpenID Connect provider (OpenIddict), in-process on its own loopback port: authorization
/// code + PKCE, end-session, and a one-click login page for the people below. It sends roles the
/// way providers do: one group as a single value, several as a JSON array.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    public const string ClientId = "auditportal";
    public const string ClientSecret = "e2e-client-secret";
    public const string RoleClaim = "groups";
    private const string SessionScheme = "IdpSession";

    public static readonly IReadOnlyList<IdpUser> Users =
    [
        new("rita", "rita.reviewer@example.com", "Rita Reviewer", ["portal-reviewers"]),
        new("mark", "mark.manager@example.com", "Mark Manager", ["staff", "portal-managers"]),
        new("ada", "ada.admin@example.com", "Ada Admin", ["staff", "portal-admins"]),
        new("nora", "nora.norole@example.com", "Nora No-Role", ["staff"]),
    ];

    /// <summary>The portal's RoleMap for these groups.</summary>
    public static readonly IReadOnlyDictionary<string, string> RoleMap = new Dictionary<string, string>
    {
        ["portal-reviewers"] = "Reviewer", ["portal-managers"] = "Manager", ["portal-admins"] = "Admin",
    };

    private readonly WebApplication _app;
    private readonly string _folder;

    private IdentityProvider(WebApplication app, string folder, string url)
    {
        _app = app;
        _folder = folder;
        Url = url;
    }

    public string Url { get; }

    public static async Task<IdentityProvider> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("auditportal-idp-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = folder });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddDbContext<IdpDbContext>(o =>
        {
            o.UseSqlite($"Data Source={Path.Combine(folder, "idp.db")}");
            o.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdpDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/endsession");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                o.DisableAccessTokenEncryption();
                o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough().DisableTransportSecurityRequirement();
            });
        // Its own cookie name: cookies are shared across ports on 127.0.0.1.
        builder.Services.AddAuthentication(SessionScheme).AddCookie(SessionScheme, o =>
        {
            o.Cookie.Name = "Idp.Session";
            o.LoginPath = "/login";
        });

        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Database.EnsureCreatedAsync();
        app.UseAuthentication();
        app.MapGet("/login", LoginPage);
        // Typed as Func so that the IResult is written (a bare HttpContext → Task lambda would be a RequestDelegate).
        app.MapPost("/login", (Func<HttpContext, Task<IResult>>)LoginAsync);
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)AuthorizeAsync);
        app.MapMethods("/connect/endsession", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)EndSessionAsync);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IdentityProvider(app, folder, url.TrimEnd('/'));
    }

    /// <summary>Registers the portal once its address is known.</summary>
    public async Task RegisterPortalAsync(string portalUrl)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { new Uri(portalUrl + "/signin-oidc") },
            PostLogoutRedirectUris = { new Uri(portalUrl + "/signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code, Permissions.Scopes.Email, Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    private static IResult LoginPage(string? returnUrl)
    {
        var target = HtmlEncoder.Default.Encode(returnUrl ?? "/");
        var buttons = string.Concat(Users.Select(u =>
            $"<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"user\" value=\"{u.Login}\">" +
            $"<input type=\"hidden\" name=\"returnUrl\" value=\"{target}\"><button type=\"submit\">Log in as {u.Login}</button></form>"));
        return Results.Content($"<!DOCTYPE html><html lang=\"en\"><head><title>Test identity provider</title></head><body><h1>Test identity provider</h1>{buttons}</body></html>",
            "text/html; charset=utf-8");
    }

    private static async Task<IResult> LoginAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var user = Users.Single(u => u.Login == form["user"]);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Login)], SessionScheme);
        await http.SignInAsync(SessionScheme, new ClaimsPrincipal(identity));
        var returnUrl = form["returnUrl"].ToString();
        return Results.Redirect(returnUrl.StartsWith('/') ? returnUrl : "/");
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(SessionScheme);
        if (!session.Succeeded)
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.Path + http.Request.QueryString }, [SessionScheme]);

        var user = Users.Single(u => u.Login == session.Principal!.Identity!.Name);
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, "sub-" + user.Login).SetClaim(Claims.Email, user.Email).SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.PreferredUsername, user.Login);
        identity.SetClaims(RoleClaim, [.. user.Groups]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}

public sealed record IdpUser(string Login, string Email, string DisplayName, IReadOnlyList<string> Groups);

public sealed class IdpDbContext(DbContextOptions<IdpDbContext> options) : DbContext(options);
