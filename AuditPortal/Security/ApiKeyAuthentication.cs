using System.Security.Claims;
using System.Text.Encodings.Web;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Security;

public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string ScopeClaim = "scope";
    public const string IngestPolicy = "ingest";
    public const string ReadPolicy = "read";
}

/// <summary>
/// "Authorization: Bearer apk_…" → a service-account principal named after the key, carrying its scope.
/// Failures answer with problem details; the key itself is never logged.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IDbContextFactory<LedgerDbContext> factory,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("not a bearer token");
        var key = header["Bearer ".Length..].Trim();
        if (!ApiKeySecrets.LooksLikeKey(key)) return AuthenticateResult.Fail("malformed API key");

        var hash = ApiKeySecrets.Hash(key);
        await using var db = await factory.CreateDbContextAsync(Context.RequestAborted);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("unknown or revoked API key");
        // Checked against the ledger on every request, on every instance: a revocation takes effect at
        // once, and a row edited or inserted with SQL grants nothing.
        var unexplained = (await ApiKeyLedgerLookup.UnexplainedAsync(db, [found], Context.RequestAborted))[found.Id];
        if (unexplained is not null)
        {
            LogUnexplainedKey(Logger, found.Name, unexplained);
            return AuthenticateResult.Fail("unknown or revoked API key");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, found.Name),
            new Claim(ClaimTypes.Name, found.Name),
            new Claim(ApiKeyDefaults.ScopeClaim, found.Scope),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "An API key is required",
            result.Failure is null
                ? "Send \"Authorization: Bearer <api key>\"; create keys with `apikey create`."
                : $"The API key was not accepted: {result.Failure.Message}.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var scope = Context.User.FindFirst(ApiKeyDefaults.ScopeClaim)?.Value ?? "none";
        return WriteProblemAsync(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "The API key lacks the scope for this endpoint",
            $"This key has scope \"{scope}\". Ingest keys can only write events and read keys can only read.");
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Refused API key \"{Name}\": its api_keys row is not explained by the ledger ({Reason}). The table was changed outside the portal; run `verify`")]
    private static partial void LogUnexplainedKey(ILogger logger, string name, string reason);

    private async Task WriteProblemAsync(int status, string type, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        });
    }
}

public static class ApiKeyPrincipal
{
    /// <summary>The authenticated service account as an actor: the key's name, kind service.</summary>
    public static ActorRef Actor(ClaimsPrincipal user) =>
        new(user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? throw new InvalidOperationException("Not an authenticated API key."),
            ActorKinds.Service);
}
