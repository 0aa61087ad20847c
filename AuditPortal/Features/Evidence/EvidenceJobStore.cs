using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger.Providers;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// The files of the background exports under <c>Evidence:Directory</c>: per job a small JSON record
/// <c>&lt;id&gt;.json</c> and a folder <c>&lt;id&gt;/</c> holding the pack under the name the browser saves
/// it as, <c>evidence-&lt;utc&gt;.zip</c> (so the access event of the export names the file the auditor
/// receives), and, while it is written, the exporter's temporary files. Folders are created owner-only
/// (0700) like the ledger's other folders, and records are written owner-only (0600): packs hold
/// audited content. A record is replaced atomically (written beside, then moved over), so a crash
/// leaves the old one or the new one, never half of one.
/// </summary>
public sealed partial class EvidenceJobStore(EvidenceJobsLocation location)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Directory => location.Directory;

    public void CreateFolder() => OwnerOnlyFiles.CreateFolder(location.Directory);

    /// <summary>Job ids are 32 lowercase hex digits (a random GUID), which is all a file name or a URL may carry.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsId(string? id) => id is not null && JobId().IsMatch(id);

    /// <summary>Where a job's pack is written (its folder is created, owner-only).</summary>
    public string PackPath(EvidenceJob job)
    {
        var folder = Path.Combine(location.Directory, job.Id);
        OwnerOnlyFiles.CreateFolder(folder);
        return Path.Combine(folder, job.DownloadName);
    }

    /// <summary>The finished pack of a job, or null when there is none.</summary>
    public string? ExistingPack(EvidenceJob job)
    {
        var path = Path.Combine(location.Directory, job.Id, job.DownloadName);
        return File.Exists(path) ? path : null;
    }

    private string RecordPath(string id) => Path.Combine(location.Directory, id + ".json");

    public void Save(EvidenceJob job)
    {
        var target = RecordPath(job.Id);
        var temporary = target + ".writing";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, job, Json);
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Every job record in the folder; one that cannot be read is reported and skipped.</summary>
    public IEnumerable<EvidenceJob> LoadAll(Action<string, Exception> unreadable)
    {
        if (!System.IO.Directory.Exists(location.Directory)) yield break;
        foreach (var path in System.IO.Directory.EnumerateFiles(location.Directory, "*.json"))
        {
            if (!IsId(Path.GetFileNameWithoutExtension(path))) continue;
            EvidenceJob? job;
            try
            {
                job = JsonSerializer.Deserialize<EvidenceJob>(File.ReadAllBytes(path), Json);
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                unreadable(path, e);
                continue;
            }
            if (job is not null && job.Id == Path.GetFileNameWithoutExtension(path)) yield return job;
        }
    }

    /// <summary>Removes a job's folder: its pack, and whatever an export of it left half done (EvidenceExporter's work folder and temporary zip).</summary>
    public void DeletePack(string id)
    {
        var folder = Path.Combine(location.Directory, id);
        if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
    }

    public void Delete(string id)
    {
        DeletePack(id);
        File.Delete(RecordPath(id));
    }

    /// <summary>
    /// Files and folders of jobs no record explains any more (a record lost, the work folder of a
    /// process that was killed) once they are older than the keeping period. Only names that start
    /// with a job id are touched: the folder may hold files that are not the portal's.
    /// </summary>
    public int DeleteStrays(ISet<string> knownIds, DateTimeOffset olderThan)
    {
        if (!System.IO.Directory.Exists(location.Directory)) return 0;
        var deleted = 0;
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(location.Directory))
        {
            var match = StartsWithJobId().Match(Path.GetFileName(path));
            if (!match.Success || knownIds.Contains(match.Groups[1].Value)) continue;
            if (File.GetLastWriteTimeUtc(path) >= olderThan.UtcDateTime) continue;
            DeleteEntry(path);
            deleted++;
        }
        return deleted;
    }

    private static void DeleteEntry(string path)
    {
        if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobId();

    [GeneratedRegex("^\\.?([0-9a-f]{32})")]
    private static partial Regex StartsWithJobId();
}
