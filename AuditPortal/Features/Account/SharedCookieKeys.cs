using AuditPortal.Data.Ledger;
using AuditPortal.Ledger;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Account;

/// <summary>
/// Cookie and antiforgery keys (ASP.NET Core Data Protection) kept in the ledger database, so any
/// portal instance reads a cookie another issued; encrypted there by <see cref="SigningKeyXmlEncryptor"/>.
/// </summary>
public static class SharedCookieKeys
{
    public const string ApplicationName = "AuditPortal";

    public static IServiceCollection AddSharedCookieKeys(this IServiceCollection services)
    {
        // Data Protection's repository resolves the context from a scope of its own; the ledger's
        // contexts otherwise come only from the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContext());
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<LedgerDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, EncryptKeysWithSigningKey>();
        return services;
    }

    private sealed class EncryptKeysWithSigningKey(SigningKeyHolder signingKey) : IConfigureOptions<KeyManagementOptions>
    {
        public void Configure(KeyManagementOptions options) => options.XmlEncryptor = new SigningKeyXmlEncryptor(signingKey);
    }
}
