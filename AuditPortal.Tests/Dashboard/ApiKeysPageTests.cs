using System.Net;
using System.Net.Http.Headers;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AuditPortal.Tests.Dashboard;

/// <summary>The real portal on an empty SQLite ledger, shared by the API keys page tests (each uses key names of its own).</summary>
public sealed class KeysPortal : IAsyncLifetime
{
    public TestLedger Ledger { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        Portal = new PortalFactory(Ledger);
        _ = Portal.Services; // starts the portal: migrations checked, signing key loaded
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}

public sealed class ApiKeysPageTests : DashboardTestContext, IClassFixture<KeysPortal>
{
    private const string Admin = "ada.admin@example.com";
    private readonly KeysPortal _portal;
    private readonly ApiKeyService _keys;

    public ApiKeysPageTests(KeysPortal portal)
    {
        _portal = portal;
        _keys = portal.Portal.Services.GetRequiredService<ApiKeyService>();
        Services.AddSingleton(_keys);
    }

    [Fact]
    public async Task ListsEachKeyWithWhoCreatedAndRevokedItAndWhetherTheLedgerExplainsTheRow()
    {
        var kept = await _keys.CreateAsync("list-kept", ApiKeyScopes.Read, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        await _keys.CreateAsync("list-revoked", ApiKeyScopes.Ingest, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        await _keys.RevokeAsync("list-revoked", new ActorRef("dave@example.com", ActorKinds.User), CancellationToken.None);
        await _keys.CreateAsync("list-edited", ApiKeyScopes.Read, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        await _portal.Ledger.ExecuteAsync("UPDATE api_keys SET scope = 'ingest' WHERE name = 'list-edited'");
        SignInAs(PortalRoles.Admin, Admin);

        var cut = RenderInteractive<ApiKeysPage>();
        cut.WaitForElement("[data-testid=api-keys]");

        var keptRow = Cells(cut, "list-kept");
        Assert.Equal(["list-kept", "read", kept[..10] + "…"], keptRow[..3]);
        Assert.Equal(["carol@example.com", "active", "", "explained"], keptRow[4..8]);
        var revokedRow = Cells(cut, "list-revoked");
        Assert.Equal("ingest", revokedRow[1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", revokedRow[5]);
        Assert.Equal(["dave@example.com", "explained", ""], revokedRow[6..]);
        Assert.Equal("NOT EXPLAINED: scope is \"ingest\" but the ledger created the key with \"read\"", Cells(cut, "list-edited")[7]);
        Assert.DoesNotContain(kept[10..], cut.Markup);
    }

    [Fact]
    public async Task CreatingShowsTheKeyOnceAndTheKeyAuthenticatesAgainstTheApi()
    {
        SignInAs(PortalRoles.Admin, Admin);
        var cut = RenderInteractive<ApiKeysPage>();

        NameInput(cut).Input("create-auditor");
        cut.Find("input[data-testid=scope-read], [data-testid=scope-read] input").Click();
        cut.Find("form").Submit();

        var secret = cut.WaitForElement("[data-testid=new-key]").TextContent;
        Assert.Contains("it will not be shown again", cut.Find("[data-testid=new-key-panel]").TextContent);
        var row = Cells(cut, "create-auditor");
        Assert.Equal(["create-auditor", "read", secret[..10] + "…"], row[..3]);
        Assert.Equal([Admin, "active", "", "explained"], row[4..8]);
        using (var client = _portal.Portal.CreateClient())
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/events?limit=1")).StatusCode);
        }

        // Once: gone when dismissed, and never on the page again.
        cut.Find("[data-testid=dismiss-new-key]").Click();
        // MudButton runs its OnClick asynchronously: on a loaded machine the re-render can trail the click.
        cut.WaitForAssertion(() => Assert.DoesNotContain(secret[10..], cut.Markup));
        Assert.DoesNotContain(secret[10..], Render<ApiKeysPage>().Markup);
    }

    [Theory]
    [InlineData("", "Give the key a name")]
    [InlineData("-starts-with-a-dash", "A key name is 1–64 characters")]
    [InlineData("create-taken", "An API key named \"create-taken\" already exists.")]
    public async Task ANameThatCannotBeUsedIsRefusedWithAMessageAtTheField(string name, string message)
    {
        if (!(await _keys.ListAsync(CancellationToken.None)).Any(k => k.Name == "create-taken"))
            await _keys.CreateAsync("create-taken", ApiKeyScopes.Ingest, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        SignInAs(PortalRoles.Admin, Admin);
        var cut = RenderInteractive<ApiKeysPage>();
        var before = (await _keys.ListAsync(CancellationToken.None)).Count;

        NameInput(cut).Input(name);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.StartsWith(message, cut.Find(".mud-input-helper-text.mud-input-error").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=new-key]"));
        Assert.Equal(before, (await _keys.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task RevokingAfterTheConfirmationNamingTheKeyMakesTheKeyFailAtOnce()
    {
        var secret = await _keys.CreateAsync("revoke-me", ApiKeyScopes.Read, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        using var client = _portal.Portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/events?limit=1")).StatusCode);
        SignInAs(PortalRoles.Admin, Admin);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<ApiKeysPage>();

        cut.WaitForElement("[data-testid=key-row-revoke-me] [data-testid=revoke-key]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke the key revoke-me?", dialogs.Markup));
        Assert.Equal("active", Cells(cut, "revoke-me")[5]);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Equal(Admin, Cells(cut, "revoke-me")[6]));
        Assert.NotEqual("active", Cells(cut, "revoke-me")[5]);
        Assert.Empty(cut.FindAll("[data-testid=key-row-revoke-me] [data-testid=revoke-key]"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/events?limit=1")).StatusCode);
    }

    [Fact]
    public async Task CancellingTheConfirmationLeavesTheKeyActive()
    {
        await _keys.CreateAsync("revoke-cancelled", ApiKeyScopes.Read, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        SignInAs(PortalRoles.Admin, Admin);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<ApiKeysPage>();

        cut.WaitForElement("[data-testid=key-row-revoke-cancelled] [data-testid=revoke-key]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke the key revoke-cancelled?", dialogs.Markup));
        Assert.Null(Single(await _keys.ListAsync(CancellationToken.None), "revoke-cancelled").RevokedAtUtc);
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer, false)]
    [InlineData(PortalRoles.Manager, false)]
    [InlineData(PortalRoles.Admin, true)]
    public void OnlyAnAdminReachesThePage(string role, bool reaches)
    {
        SignInAs(role);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        // The same route view the portal's router uses, so the page's own [Authorize] decides.
        var cut = Render<AuthorizeRouteView>(p => p
            .Add(v => v.RouteData, new RouteData(typeof(ApiKeysPage), new Dictionary<string, object?>()))
            .Add(v => v.NotAuthorized, _ => b => b.AddMarkupContent(0, "<p id=\"refused\">refused</p>")));

        Assert.Equal(reaches, cut.FindAll("h1").Any(h => h.TextContent == "API keys"));
        Assert.Equal(!reaches, cut.FindAll("#refused").Count == 1);
    }

    [Theory]
    [InlineData(PortalRoles.Reviewer)]
    [InlineData(PortalRoles.Manager)]
    public async Task ARoleBelowAdminCannotCreateOrRevokeEvenWithThePageOpen(string role)
    {
        var name = $"kept-from-{role.ToLowerInvariant()}";
        await _keys.CreateAsync(name, ApiKeyScopes.Read, new ActorRef("carol@example.com", ActorKinds.User), CancellationToken.None);
        SignInAs(PortalRoles.Admin, Admin);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<ApiKeysPage>();
        cut.WaitForElement($"[data-testid=key-row-{name}]");

        // The session outlives the role (or the circuit is driven without the page's guard).
        SignInAs(role, "someone.else@example.com");
        NameInput(cut).Input($"made-by-{role.ToLowerInvariant()}");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal("Only an Admin may create or revoke API keys.", cut.Find("[data-testid=key-error]").TextContent));
        cut.Find($"[data-testid=key-row-{name}] [data-testid=revoke-key]").Click();

        Assert.DoesNotContain("Revoke the key", dialogs.Markup);
        var keys = await _keys.ListAsync(CancellationToken.None);
        Assert.DoesNotContain(keys, k => k.Name == $"made-by-{role.ToLowerInvariant()}");
        Assert.Null(Single(keys, name).RevokedAtUtc);
    }

    // MudBlazor puts the test id on the input itself or on its wrapper, depending on the component.
    private static AngleSharp.Dom.IElement NameInput(IRenderedComponent<ApiKeysPage> cut) =>
        cut.Find("input[data-testid=key-name], [data-testid=key-name] input");

    private static string[] Cells(IRenderedComponent<ApiKeysPage> cut, string name) =>
        [.. cut.FindAll($"[data-testid=key-row-{name}] td").Select(td => td.TextContent.Trim())];

    private static ApiKeyListing Single(IReadOnlyList<ApiKeyListing> keys, string name) => keys.Single(k => k.Name == name);
}
