using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Evidence;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// GET /evidence/packs/{id} over HTTP on the real portal: the exporter and Admins download, anyone
/// else signed in gets a 403 problem, nobody signed in is sent to sign in, and an API key opens nothing.
/// </summary>
public sealed partial class EvidenceDownloadTests(EvidencePortal portal) : IClassFixture<EvidencePortal>
{
    private const string Mark = "mark.manager@example.com";
    private const string Ada = "ada.admin@example.com";
    private const string Rita = "rita.reviewer@example.com";

    [Fact]
    public async Task TheExporterDownloadsTheZipUnderItsEvidenceName()
    {
        var job = await ExportAsync(Mark);
        using var client = await SignedInAsync(Mark);

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^evidence-\d{8}T\d{6}Z\.zip$", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(job.DownloadName, response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(portal.Jobs.PackOf(job)!), bytes);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Contains("manifest.json", zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task AnAdminDownloadsAnyonesPackAndTheDownloadIsAnAccessEvent()
    {
        var job = await ExportAsync(Mark);
        using var client = await SignedInAsync(Ada);

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = portal.Ledger.OpenContext();
        var envelopes = await db.Entries.Where(e => e.Type == "access" && e.ActorId == Ada).Select(e => e.Envelope).ToListAsync();
        Assert.Contains(envelopes, bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains($"\"pack\":\"{job.Id}\"", StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(bytes).Contains("\"action\":\"evidence.download\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherManagerIsRefusedWithAProblem()
    {
        var job = await ExportAsync("another.manager@example.com");
        using var client = await SignedInAsync(Mark);

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "This pack is not yours");
    }

    [Fact]
    public async Task AReviewerIsRefusedWithAProblemEvenForAKnownPack()
    {
        var job = await ExportAsync(Mark);
        using var client = await SignedInAsync(Rita);

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Evidence packs are for Managers and Admins");
    }

    [Fact]
    public async Task ALinkFollowedFromAnotherSiteDownloadsNothing()
    {
        var job = await ExportAsync(Mark);
        using var client = await SignedInAsync(Mark);
        using var request = new HttpRequestMessage(HttpMethod.Get, EvidenceDownloads.UrlOf(job.Id));
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Download packs from the Evidence page");
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("..%2F..%2Fsigning.key")]
    public async Task AnUnknownPackIsNotFound(string id)
    {
        using var client = await SignedInAsync(Ada);

        var response = await client.GetAsync($"/evidence/packs/{id}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "No such evidence pack");
    }

    [Fact]
    public async Task NobodySignedInIsSentToSignIn()
    {
        var job = await ExportAsync(Mark);
        using var client = portal.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task AnApiKeyOpensNoPack()
    {
        var job = await ExportAsync(Mark);
        var key = await portal.Portal.ClientWithKeyAsync("ev-download-reader", ApiKeyScopes.Read);
        using var client = portal.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = key.DefaultRequestHeaders.Authorization;

        var response = await client.GetAsync(EvidenceDownloads.UrlOf(job.Id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    private async Task<EvidenceJob> ExportAsync(string exporter)
    {
        var job = portal.Jobs.Start(EvidencePortal.V3Request(includeContent: false), new ActorRef(exporter, ActorKinds.User));
        var done = await portal.Jobs.FinishedAsync(job.Id);
        Assert.Equal(EvidenceJobStatus.Done, done.Status);
        return done;
    }

    /// <summary>A client with the session cookie of a Development sign-in, as the browser would hold it.</summary>
    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = portal.Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/account/signin");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        var signIn = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["user"] = user,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(title, (string?)problem["title"]);
        Assert.Equal((int)status, (int?)problem["status"]);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
