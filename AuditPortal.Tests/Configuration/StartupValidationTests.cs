using AuditPortal.Data.Ledger;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuditPortal.Tests.Configuration;

/// <summary>A bad setting stops the portal before it serves anything, with a message naming the key to fix.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Production", "AuditPortal:Authentication:Mode", "Development", "refused outside the Development environment")]
    [InlineData("Development", "AuditPortal:Database:Provider", "Oracle", "AuditPortal:Database:Provider is \"Oracle\"")]
    [InlineData("Development", "AuditPortal:Signing:Origin", "has space", "AuditPortal:Signing:Origin")]
    [InlineData("Development", "AuditPortal:Checkpoints:MaxEntries", "0", "AuditPortal:Checkpoints:MaxEntries")]
    [InlineData("Development", "AuditPortal:Authentication:Mode", "Kerberos", "use Development or OpenIdConnect")]
    [InlineData("Development", "AuditPortal:Redaction:Detectors:passport", "Mask", "AuditPortal:Redaction:Detectors:passport is not a detector; use secret, email, iban, card, phone")]
    [InlineData("Development", "AuditPortal:Redaction:Detectors:email", "Delete", "AuditPortal:Redaction:Detectors:email = \"Delete\" is not an action; use Keep, Mask or Hash")]
    [InlineData("Development", "AuditPortal:Evidence:KeepDays", "0", "AuditPortal:Evidence:KeepDays 0 is out of range")]
    [InlineData("Development", "AuditPortal:Evidence:Directory", " ", "AuditPortal:Evidence:Directory is empty")]
    public async Task ABadSettingStopsThePortalWithAMessageNamingIt(string environment, string key, string value, string message)
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting(key, value);
        });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());
        Assert.Contains(message, Flatten(error));
        Assert.False(File.Exists(ledger.KeyFile), "nothing should be created before the settings are valid");
    }

    [Fact]
    public async Task OpenIdConnectModeNeedsAnAuthorityAndAClientId()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b => b.UseSetting("AuditPortal:Authentication:Mode", "OpenIdConnect"));

        var text = Flatten(Assert.ThrowsAny<Exception>(() => portal.CreateClient()));
        Assert.Contains("AuditPortal:Authentication:OpenIdConnect:Authority", text);
        Assert.Contains("AuditPortal:Authentication:OpenIdConnect:ClientId", text);
    }

    [Fact]
    public async Task AnIdentityProviderOverPlainHttpIsRefusedUnlessRequireHttpsMetadataIsTurnedOff()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger).WithWebHostBuilder(b =>
        {
            b.UseSetting("AuditPortal:Authentication:Mode", "OpenIdConnect");
            b.UseSetting("AuditPortal:Authentication:OpenIdConnect:Authority", "http://idp.example");
            b.UseSetting("AuditPortal:Authentication:OpenIdConnect:ClientId", "auditportal");
        });
        Assert.Contains("Authority is not https while RequireHttpsMetadata is true", Flatten(Assert.ThrowsAny<Exception>(() => portal.CreateClient())));

        await using var allowed = portal.WithWebHostBuilder(b => b.UseSetting("AuditPortal:Authentication:OpenIdConnect:RequireHttpsMetadata", "false"));
        using var client = allowed.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v1/checkpoints/key")).StatusCode);
    }

    [Fact]
    public async Task AMissingKeyFileForANonEmptyLedgerIsRefused()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using (var first = new PortalFactory(ledger))
        {
            await first.ClientWithKeyAsync("k", "ingest");
        }
        File.Delete(ledger.KeyFile);

        await using var second = new PortalFactory(ledger);
        var text = Flatten(Assert.ThrowsAny<Exception>(() => second.CreateClient()));
        Assert.Contains("a new key cannot continue this ledger", text);
        Assert.False(File.Exists(ledger.KeyFile));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheSigningKeyFileIsCreatedReadableByItsOwnerOnly()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        portal.CreateClient().Dispose();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ledger.KeyFile));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " " + Flatten(e.InnerException);
}
