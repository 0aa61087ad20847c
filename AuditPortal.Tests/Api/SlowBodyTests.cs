using System.Net.Sockets;
using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Api;

/// <summary>
/// A client that stops sending its body mid-way: Kestrel (a real socket; the in-memory test server has
/// no data-rate limit) gives up after its grace period and the portal answers 408 with its own
/// problem type, not a validation error.
/// </summary>
[Collection("sqlite")]
public sealed class SlowBodyTests
{
    [Fact]
    public async Task ABodyThatStopsArrivingIs408WithTheRequestTimeoutProblemType()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        portal.UseKestrel(0);
        portal.StartServer();
        using var client = await portal.ClientWithKeyAsync("slow-bot", ApiKeyScopes.Ingest);
        var key = client.DefaultRequestHeaders.Authorization!.Parameter;
        var address = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var head = "POST /api/v1/events HTTP/1.1\r\n" +
                   $"Host: {address.Authority}\r\nAuthorization: Bearer {key}\r\n" +
                   "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"events\":[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);

        // Kestrel's default minimum rate is 240 bytes/s after a 5 s grace period; send nothing more.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var response = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            response.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (response.ToString().Contains("request-timeout", StringComparison.Ordinal) && response.ToString().TrimEnd().EndsWith('}')) break;
        }

        var text = response.ToString();
        Assert.StartsWith("HTTP/1.1 408", text);
        Assert.Contains("application/problem+json", text);
        Assert.Contains("\"type\":\"urn:auditportal:problem:request-timeout\"", text);
        Assert.Equal(0, await ledger.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE submitted_by = 'slow-bot'"));
    }
}
