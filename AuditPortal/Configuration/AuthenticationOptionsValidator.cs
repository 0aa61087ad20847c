using Microsoft.Extensions.Options;

namespace AuditPortal.Configuration;

/// <summary>Checks the sign-in settings; only the web host signs anyone in, so only it runs this.</summary>
public sealed class AuthenticationOptionsValidator(IHostEnvironment environment) : IValidateOptions<PortalOptions>
{
    private static readonly string[] Roles = ["Reviewer", "Manager", "Admin"];

    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var errors = new List<string>();
        const string p = PortalOptions.Section;
        switch (options.Authentication.Mode)
        {
            case "Development" when !environment.IsDevelopment():
                errors.Add($"{p}:Authentication:Mode is Development, which signs anyone in without a password and is refused " +
                           $"outside the Development environment (this is \"{environment.EnvironmentName}\"); configure OpenIdConnect.");
                break;
            case "Development":
                break;
            case "OpenIdConnect":
                var oidc = options.Authentication.OpenIdConnect;
                if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority))
                    errors.Add($"{p}:Authentication:OpenIdConnect:Authority is not an absolute URL; set the provider's URL.");
                else if (oidc.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
                    errors.Add($"{p}:Authentication:OpenIdConnect:Authority is not https while RequireHttpsMetadata is true; use the provider's https URL (set RequireHttpsMetadata false only for a local test provider).");
                if (string.IsNullOrWhiteSpace(oidc.ClientId))
                    errors.Add($"{p}:Authentication:OpenIdConnect:ClientId is empty; set the client id registered with the provider.");
                if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
                    errors.Add($"{p}:Authentication:OpenIdConnect:RoleClaim is empty; set the claim that carries roles (default \"roles\").");
                if (string.IsNullOrWhiteSpace(oidc.UserIdClaim))
                    errors.Add($"{p}:Authentication:OpenIdConnect:UserIdClaim is empty; set the claim that names the person (default \"email\").");
                foreach (var (claim, role) in oidc.RoleMap.Where(m => !Roles.Contains(m.Value)))
                    errors.Add($"{p}:Authentication:OpenIdConnect:RoleMap:{claim} is \"{role}\"; use Reviewer, Manager or Admin.");
                break;
            default:
                errors.Add($"{p}:Authentication:Mode is \"{options.Authentication.Mode}\"; use Development or OpenIdConnect.");
                break;
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
