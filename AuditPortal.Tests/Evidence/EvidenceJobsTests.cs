using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Evidence;
using AuditPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// Background exports on the real portal: their records outlive the process, an export the portal was
/// running when it stopped is shown as failed, a cancelled or failed export leaves no pack, and old
/// packs are swept after Evidence:KeepDays.
/// </summary>
public sealed class EvidenceJobsTests(EvidencePortal portal) : IClassFixture<EvidencePortal>
{
    [Fact]
    public async Task AFinishedExportIsListedWithItsPackAfterARestart()
    {
        var exporter = Manager("restart.done");
        var job = portal.Jobs.Start(EvidencePortal.V3Request(), exporter);

        var done = await portal.Jobs.FinishedAsync(job.Id);

        Assert.Equal(EvidenceJobStatus.Done, done.Status);
        Assert.Equal(EvidencePortal.V3PackEntries, done.Result!.Counts.Events);
        Assert.Equal(3, done.Result.Counts.PromptChanges);
        // The pack under the name the browser saves it as, which the export's access event names too.
        Assert.Equal([job.Id, $"{job.Id}.json", $"{job.Id}/{done.DownloadName}"], portal.FilesOf(job.Id));
        Assert.Equal(done.DownloadName, done.Result.FileName);
        await using var restarted = OnSameFolder(portal.EvidenceDirectory);
        var listed = Assert.Single(restarted.Services.GetRequiredService<EvidenceJobs>().Recent(exporter.Id));
        Assert.Equal(EvidenceJobStatus.Done, listed.Status);
        Assert.Equal(done.Result, listed.Result);
        Assert.Equal(new Dictionary<string, string> { ["prompt"] = EvidencePortal.Prompt, ["promptVersion"] = "3" }, listed.Filters);
        Assert.NotNull(restarted.Services.GetRequiredService<EvidenceJobs>().PackOf(listed));
    }

    [Fact]
    public async Task AnExportRunningWhenThePortalDiedIsShownAsFailedAfterTheRestartAndLeavesNoFile()
    {
        var exporter = Manager("restart.crash");
        var crashed = Directory.CreateTempSubdirectory("auditportal-evidence-crash-").FullName;
        try
        {
            using (var hold = new HeldExport(portal.Jobs, exporter.Id))
            {
                var job = portal.Jobs.Start(EvidencePortal.V3Request(), exporter);
                await hold.Held;
                // What a kill -9 now would leave on disk: the record says running, and the job's folder holds the
                // exporter's work folder and temporary zip, as a process killed while packing leaves them.
                File.Copy(Path.Combine(portal.EvidenceDirectory, job.Id + ".json"), Path.Combine(crashed, job.Id + ".json"));
                var partial = Directory.CreateDirectory(Path.Combine(crashed, job.Id)).FullName;
                Directory.CreateDirectory(Path.Combine(partial, $".{job.DownloadName}.{Guid.NewGuid():N}.work"));
                File.WriteAllText(Path.Combine(partial, $".{job.DownloadName}.{Guid.NewGuid():N}.tmp"), "half a zip");
                Assert.Contains("\"status\": \"running\"", File.ReadAllText(Path.Combine(crashed, job.Id + ".json")));
                hold.Release();
                await portal.Jobs.FinishedAsync(job.Id);

                await using var restarted = OnSameFolder(crashed);
                var jobs = restarted.Services.GetRequiredService<EvidenceJobs>();

                var listed = Assert.Single(jobs.Recent(exporter.Id));
                Assert.Equal(EvidenceJobStatus.Failed, listed.Status);
                Assert.Equal(EvidenceJobs.Interrupted, listed.Reason);
                Assert.Null(listed.Result);
                Assert.Equal([job.Id + ".json"], Directory.EnumerateFileSystemEntries(crashed).Select(Path.GetFileName));
                Assert.Contains("\"status\": \"failed\"", File.ReadAllText(Path.Combine(crashed, job.Id + ".json")));
            }
        }
        finally
        {
            Directory.Delete(crashed, recursive: true);
        }
    }

    [Fact]
    public async Task ACancelledExportLeavesNoPackAndNoAccessEvent()
    {
        var exporter = Manager("cancel.running");
        using var hold = new HeldExport(portal.Jobs, exporter.Id);
        var job = portal.Jobs.Start(EvidencePortal.V3Request(), exporter);
        await hold.Held;

        Assert.True(portal.Jobs.Cancel(job.Id, exporter.Id));
        hold.Release();
        var cancelled = await portal.Jobs.FinishedAsync(job.Id);

        Assert.Equal(EvidenceJobStatus.Cancelled, cancelled.Status);
        Assert.Equal($"Cancelled by {exporter.Id}.", cancelled.Reason);
        Assert.Equal([job.Id + ".json"], portal.FilesOf(job.Id));
        Assert.Equal(0, await ExportsRecordedForAsync(exporter.Id));
    }

    [Fact]
    public async Task AnExportWaitingBehindAnotherCanBeCancelledBeforeItStarts()
    {
        var first = Manager("queue.first");
        var second = Manager("queue.second");
        using var hold = new HeldExport(portal.Jobs, first.Id);
        var running = portal.Jobs.Start(EvidencePortal.V3Request(), first);
        await hold.Held;
        var waiting = portal.Jobs.Start(EvidencePortal.V3Request(), second);

        Assert.Equal(EvidenceJobStatus.Queued, portal.Jobs.Find(waiting.Id)!.Status);
        Assert.True(portal.Jobs.Cancel(waiting.Id, second.Id));
        hold.Release();

        Assert.Equal(EvidenceJobStatus.Cancelled, (await portal.Jobs.FinishedAsync(waiting.Id)).Status);
        Assert.Equal(EvidenceJobStatus.Done, (await portal.Jobs.FinishedAsync(running.Id)).Status);
        Assert.Equal([waiting.Id + ".json"], portal.FilesOf(waiting.Id));
    }

    [Fact]
    public async Task ASecondExportOfTheSamePersonIsRefusedWhileTheFirstRuns()
    {
        var exporter = Manager("twice");
        using var hold = new HeldExport(portal.Jobs, exporter.Id);
        var job = portal.Jobs.Start(EvidencePortal.V3Request(), exporter);
        await hold.Held;

        var refused = Assert.Throws<EvidenceJobRefusedException>(() => portal.Jobs.Start(EvidencePortal.V3Request(), exporter));

        Assert.Contains("already have an export running", refused.Message);
        hold.Release();
        await portal.Jobs.FinishedAsync(job.Id);
        Assert.Single(portal.Jobs.Recent(exporter.Id));
    }

    [Fact]
    public async Task TheSweepDeletesPacksAndRecordsOnlyOnceTheyAreOlderThanKeepDays()
    {
        var exporter = Manager("sweep");
        var job = await portal.Jobs.FinishedAsync(portal.Jobs.Start(EvidencePortal.V3Request(), exporter).Id);
        // The folder of a job no record mentions any more (its record lost), with a half-written zip.
        var stray = Directory.CreateDirectory(Path.Combine(portal.EvidenceDirectory, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(stray, ".evidence-20261101T000000Z.zip.tmp"), "half a pack");
        Directory.SetLastWriteTimeUtc(stray, DateTime.UtcNow.AddDays(-8));
        var finishedAt = job.FinishedAt!.Value;

        portal.Jobs.Sweep(finishedAt.AddDays(6.9));
        Assert.Equal([job.Id, $"{job.Id}.json", $"{job.Id}/{job.DownloadName}"], portal.FilesOf(job.Id));
        Assert.NotNull(portal.Jobs.Find(job.Id));

        portal.Jobs.Sweep(finishedAt.AddDays(7.1));
        Assert.Empty(portal.FilesOf(job.Id));
        Assert.Null(portal.Jobs.Find(job.Id));
        Assert.False(Directory.Exists(stray));
    }

    [Fact]
    public async Task AFailedExportSaysWhyAndLeavesNoPack()
    {
        // Its own ledger: a database that refuses access events, so the export cannot be recorded.
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var failing = new PortalFactory(ledger);
        await EvidencePortal.SeedAsync(failing);
        await ledger.ExecuteAsync("CREATE TRIGGER refuse_access BEFORE INSERT ON ledger_entries WHEN NEW.type = 'access' " +
                                  "BEGIN SELECT RAISE(ABORT, 'access events are refused'); END;");
        var jobs = failing.Services.GetRequiredService<EvidenceJobs>();
        var folder = failing.Services.GetRequiredService<EvidenceJobsLocation>().Directory;
        var exporter = Manager("failing");

        var failed = await jobs.FinishedAsync(jobs.Start(EvidencePortal.V3Request(), exporter).Id);

        Assert.Equal(EvidenceJobStatus.Failed, failed.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));
        Assert.Null(failed.Result);
        Assert.Equal([failed.Id + ".json"], EvidencePortal.FilesIn(folder, failed.Id));
    }

    [Fact]
    public async Task AnExportThatCannotBeRecordedIsRefusedNamingTheFolder()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var broken = new PortalFactory(ledger);
        var jobs = broken.Services.GetRequiredService<EvidenceJobs>();
        var folder = broken.Services.GetRequiredService<EvidenceJobsLocation>().Directory;
        // The folder replaced by a file after start-up: nothing can be written there.
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "not a folder");

        var refused = Assert.Throws<EvidenceJobRefusedException>(() => jobs.Start(EvidencePortal.V3Request(), Manager("no.folder")));

        Assert.Contains(folder, refused.Message);
        Assert.Contains("Evidence:Directory", refused.Message);
        Assert.Empty(jobs.Recent(null));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheEvidenceFolderIsOwnerOnly() =>
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(portal.EvidenceDirectory));

    private static ActorRef Manager(string name) => new($"{name}@example.com", ActorKinds.User);

    /// <summary>A second portal instance on the same ledger, keeping its packs in <paramref name="folder"/>.</summary>
    private WebApplicationFactory<AuditPortalEntryPoint> OnSameFolder(string folder)
    {
        var restarted = new PortalFactory(portal.Ledger).WithWebHostBuilder(b => b.UseSetting("AuditPortal:Evidence:Directory", folder));
        _ = restarted.Services; // started: the records are read before anything is served
        return restarted;
    }

    private async Task<int> ExportsRecordedForAsync(string actor)
    {
        await using var db = portal.Ledger.OpenContext();
        return await db.Entries.CountAsync(e => e.Type == "access" && e.ActorId == actor);
    }
}
