using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Signing;
using AuditPortal.Features.Account;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuditPortal.Tests.Dashboard;

/// <summary>Two portal instances on one database: a cookie one issues, the other reads; the keys stored encrypted.</summary>
public sealed partial class SharedCookieKeysTests
{
    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task ASessionStartedOnOneInstanceIsValidOnAnother(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var first = new PortalFactory(ledger);
        await using var second = new PortalFactory(ledger);
        using var firstClient = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var signInPage = await firstClient.GetStringAsync("/account/signin");
        var token = AntiforgeryToken().Match(signInPage).Groups[1].Value;
        var signIn = await firstClient.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["user"] = "rita.reviewer@example.com",
            ["returnUrl"] = "/",
        }));
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(PortalSchemes.CookieName + "=", StringComparison.Ordinal));

        using var secondClient = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var overview = await secondClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var stored = await StoredKeysAsync(ledger);
        var key = Assert.Single(stored);
        Assert.Contains("encryptedSecret", key);
        Assert.DoesNotContain("masterKey", key);
    }

    [Fact]
    public void OnlyTheSigningKeysHolderCanOpenTheStoredKeys()
    {
        using var signer = NoteSigner.Generate("test.example/auditportal");
        using var other = NoteSigner.Generate("test.example/auditportal");
        var plaintext = "<key><masterKey>secret</masterKey></key>"u8.ToArray();

        var sealedBytes = SigningKeyXmlCipher.Seal(signer, plaintext);

        Assert.Equal(plaintext, SigningKeyXmlCipher.Open(signer, sealedBytes));
        Assert.ThrowsAny<CryptographicException>(() => SigningKeyXmlCipher.Open(other, sealedBytes));
        sealedBytes[20] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => SigningKeyXmlCipher.Open(signer, sealedBytes));
    }

    private static async Task<List<string>> StoredKeysAsync(TestLedger ledger)
    {
        await using var connection = ledger.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
