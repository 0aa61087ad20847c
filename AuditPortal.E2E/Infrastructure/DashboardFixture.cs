using System.Collections.Concurrent;
using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(DashboardFixture))]

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// Started once for the whole run: the identity provider, a portal signing in through it, a portal
/// in Development sign-in mode, and one chromium. Each person signs in once; tests reuse the
/// browser storage state that sign-in left.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const int IngestedCalls = 12;

    private readonly ConcurrentDictionary<string, string> _states = new();
    private readonly SemaphoreSlim _signingIn = new(1, 1);

    public IdentityProvider Idp { get; private set; } = null!;
    public PortalServer Oidc { get; private set; } = null!;
    public PortalServer Development { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public BrowserClipboard Clipboard { get; } = new();

    public async ValueTask InitializeAsync()
    {
        // Three web hosts, the Playwright driver and the tests share this process, on two cores that
        // the other test project keeps busy: without spare threads, Kestrel's heartbeat reports
        // starvation and the first requests of a page wait for seconds.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        // Pages are slow to first render while the other test project loads both cores.
        Assertions.SetDefaultExpectTimeout(30_000);
        Idp = await IdentityProvider.StartAsync();
        Oidc = await PortalServer.StartAsync(Idp);
        Development = await PortalServer.StartAsync(null);
        await Oidc.IngestCallsAsync(IngestedCalls);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("AUDITPORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context at 1440×900, signed in as <paramref name="login"/> through the provider, or anonymous.</summary>
    public async Task<IBrowserContext> NewContextAsync(string? login = null)
    {
        var options = new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 } };
        if (login is not null) options.StorageState = await StorageStateAsync(login);
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultNavigationTimeout(90_000);
        context.SetDefaultTimeout(60_000);
        return context;
    }

    /// <summary>Signs in once per person; a failed sign-in is not remembered, so it fails only its own test.</summary>
    private async Task<string> StorageStateAsync(string login)
    {
        if (_states.TryGetValue(login, out var state)) return state;
        await _signingIn.WaitAsync();
        try
        {
            if (_states.TryGetValue(login, out state)) return state;
            await using var context = await NewContextAsync();
            var page = await context.NewPageAsync();
            await new ProviderSignIn(page, this).SignInAsync(login, Oidc.Url + "/");
            return _states[login] = await context.StorageStateAsync();
        }
        finally
        {
            _signingIn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        _signingIn.Dispose();
        if (Development is not null) await Development.DisposeAsync();
        if (Oidc is not null) await Oidc.DisposeAsync();
        if (Idp is not null) await Idp.DisposeAsync();
    }
}
