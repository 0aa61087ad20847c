using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// <c>GET /evidence/packs/{id}</c>: the zip of a finished background export, for its exporter or an
/// Admin. Dashboard sign-in only: the route is outside /api, so an API key never reaches it (the
/// cookie handler answers, and sends whoever has no session to sign in). A signed-in person who may
/// not have the pack gets a 403 problem, an unknown or expired pack a 404 problem, and so does a request
/// another site started (Sec-Fetch-Site). Each download is an
/// <c>evidence.download</c> access event in the downloader's name, recorded before the file is sent.
/// </summary>
public static class EvidenceDownloads
{
    public const string Route = "/evidence/packs/{id}";

    public static string UrlOf(string id) => $"/evidence/packs/{id}";

    public static IEndpointRouteBuilder MapEvidenceDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, DownloadAsync)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(PortalSchemes.Cookie).RequireAuthenticatedUser())
            // A link people click in the browser: without a session, to the sign-in page (.NET 10 would answer a
            // TypedResults endpoint with a bare 401).
            .AllowCookieRedirect()
            .WithName("DownloadEvidencePack")
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(string id, HttpContext http,
        EvidenceJobs jobs, IAuthorizationService authorization, AccessRecorder access)
    {
        // A link on another site must not make a signed-in browser fetch a pack (and record a download in its owner's
        // name): browsers say where a request comes from, and a download starts on this portal's own page.
        if (http.Request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
            return Problems.Forbidden("Download packs from the Evidence page",
                "This link was followed from another site; open the Evidence page of this portal and download the pack there.");
        var user = http.User;
        var job = EvidenceJobStore.IsId(id) ? jobs.Find(id) : null;
        // A Reviewer learns nothing about which packs exist.
        var permission = job is null
            ? (await authorization.AuthorizeAsync(user, PortalPolicies.Manager)).Succeeded ? EvidenceJobPermission.Allowed : EvidenceJobPermission.NotAManager
            : await EvidenceJobAccess.CheckAsync(user, job, authorization);
        if (permission == EvidenceJobPermission.NotAManager)
            return Problems.Forbidden("Evidence packs are for Managers and Admins",
                "Your role does not include evidence export. Ask an administrator if your work needs it.");
        if (job is null)
            return Problems.NotFound("No such evidence pack",
                "There is no pack with this id: the link is wrong, or the pack was deleted after Evidence:KeepDays.");
        if (permission == EvidenceJobPermission.NotTheExporter)
            return Problems.Forbidden("This pack is not yours",
                "Only the person who exported a pack, or an Admin, may download it.");
        var reader = ReadActor.From(user);
        if (job.Result is not { } result || jobs.PackOf(job) is not { } path)
            return Problems.NotFound("The pack is not ready",
                job.Finished ? $"This export {job.Status.ToString().ToLowerInvariant()} and left no pack." : "This export has not finished yet.");

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return Problems.NotFound("No such evidence pack", "The pack was deleted after Evidence:KeepDays.");
        }
        try
        {
            await access.RecordAsync(reader, "evidence.download", new Dictionary<string, string>
            {
                ["pack"] = job.Id,
                ["file"] = job.DownloadName,
                ["exportedBy"] = job.ExporterId,
                ["manifestSha256"] = result.ManifestSha256,
                ["via"] = "dashboard",
            }, http.RequestAborted);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        // The pack holds audited data: no cache keeps a copy.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(stream, "application/zip", job.DownloadName);
    }
}
