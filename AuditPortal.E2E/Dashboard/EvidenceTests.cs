using System.IO.Compression;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Signing;
using AuditPortal.E2E.Infrastructure;
using AuditPortal.E2E.Pages;
using ClosedXML.Excel;
using Microsoft.Playwright;

namespace AuditPortal.E2E.Dashboard;

/// <summary>
/// The evidence page in the browser, on the Development-sign-in portal: a manager takes "all calls
/// that used support-reply v3 last week" from the timeline to /evidence, exports, watches the
/// progress, downloads the pack, and the pack verifies offline against the portal's real key; hostile
/// spreadsheet text is a literal string in the workbook. A reviewer has no export action at all.
/// </summary>
public sealed class EvidenceTests(DashboardFixture fixture)
{
    private const string Mark = "mark.manager@example.com";

    [Fact(Timeout = BrowserTestLimits.TestMilliseconds)]
    public async Task AManagerExportsAPromptVersionsCallsOfLastWeekAndThePackVerifiesWithTheRealKey()
    {
        var portal = fixture.Development;
        var seeded = await portal.SeedEvidenceAsync();
        var filters = $"prompt={seeded.Prompt}&promptVersion=3&from={seeded.From}&to={seeded.To}";

        await using var mark = await fixture.NewContextAsync();
        await portal.SignInAsync(mark, "Mark Manager");
        // From the timeline's own filters to the evidence page, by the button that carries them.
        var timeline = await DashboardPage.OpenAsync(mark, $"{portal.Url}/timeline?{filters}");
        await timeline.WaitUntilInteractiveAsync();
        await Assertions.Expect(timeline.TestId("timeline-row")).ToHaveCountAsync(seeded.CallsLastWeek);
        await timeline.TestId("export-evidence").ClickAsync();
        await timeline.ArrivesAtAsync(url => url.StartsWith($"{portal.Url}/evidence?", StringComparison.Ordinal)
            && Uri.UnescapeDataString(new Uri(url).Query) == "?" + filters, "the evidence page with the timeline's filters");
        timeline.AssertNoConsoleErrors();

        var page = await DashboardPage.OpenAsync(mark, $"{portal.Url}/evidence?{filters}");
        await page.WaitUntilInteractiveAsync();
        await Assertions.Expect(page.TestId("preview-events")).ToHaveTextAsync(seeded.PackEntries.ToString());
        await Assertions.Expect(page.TestId("preview-prompt-changes")).ToHaveTextAsync("3");
        await Assertions.Expect(page.TestId("preview-contents")).ToHaveTextAsync(seeded.PackEntries.ToString());
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("evidence-preview");

        using (var hold = portal.HoldExportOf(Mark))
        {
            await page.TestId("export").ClickAsync();
            await hold.Held;
            await Assertions.Expect(page.TestId("export-progress-text"))
                .ToContainTextAsync($"writing entries, proofs and contents · 0 of {seeded.PackEntries} rows written");
            await Assertions.Expect(page.TestId("cancel-export")).ToBeEnabledAsync();
            await page.TestId("export-progress").ScrollIntoViewIfNeededAsync();
            await page.AssertAccessibleAsync();
            await page.ScreenshotAsync("evidence-exporting");
            hold.Release();
        }
        var row = page.TestId("pack-row").First;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "done");
        await Assertions.Expect(page.TestId("export-progress")).ToHaveCountAsync(0);
        await Assertions.Expect(row.GetByTestId("pack-counts")).ToContainTextAsync($"{seeded.PackEntries} entries (3 prompt changes");
        await Assertions.Expect(row.GetByTestId("pack-manifest")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await row.ScrollIntoViewIfNeededAsync();
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("evidence-done");

        var download = await page.Page.RunAndWaitForDownloadAsync(() => row.GetByTestId("pack-download").ClickAsync());
        Assert.Matches(@"^evidence-\d{8}T\d{6}Z\.zip$", download.SuggestedFilename);
        var folder = Directory.CreateTempSubdirectory("auditportal-e2e-pack-").FullName;
        try
        {
            var pack = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(pack);

            // The auditor's check, offline, trusting only the key the portal publishes.
            using var http = new HttpClient();
            var key = NoteVerifier.Parse((await http.GetStringAsync($"{portal.Url}/api/v1/checkpoints/key")).Trim());
            var verification = EvidencePackVerifier.Verify(pack, key);
            Assert.True(verification.Outcome == PackOutcome.Passed, verification.ToString());
            Assert.False(verification.KeyFromPack);
            Assert.Equal(seeded.PackEntries, verification.Facts!.Entries);
            Assert.Equal(await row.GetByTestId("pack-manifest").InnerTextAsync(), ManifestSha256(pack));

            // The hostile template is text in the workbook, never a formula.
            var workbookFile = Path.Combine(folder, "evidence.xlsx");
            using (var zip = ZipFile.OpenRead(pack)) zip.GetEntry("evidence.xlsx")!.ExtractToFile(workbookFile);
            using var workbook = new XLWorkbook(workbookFile);
            var hostile = workbook.Worksheets.SelectMany(sheet => sheet.CellsUsed())
                .Where(cell => cell.GetString().StartsWith("=HYPERLINK(", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(hostile);
            Assert.All(hostile, cell =>
            {
                Assert.False(cell.HasFormula, $"{cell.Address} holds a formula");
                Assert.Equal(XLDataType.Text, cell.DataType);
                Assert.Equal(EvidenceSeeding.HostileTemplate, cell.GetString());
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        page.AssertNoConsoleErrors();

        // A reviewer: no export on the timeline, no Evidence in the navigation, and the page refused.
        await using var rita = await fixture.NewContextAsync();
        await portal.SignInAsync(rita, "Rita Reviewer");
        var ritasTimeline = await DashboardPage.OpenAsync(rita, $"{portal.Url}/timeline?{filters}");
        await ritasTimeline.WaitUntilInteractiveAsync();
        await Assertions.Expect(ritasTimeline.TestId("timeline-row")).ToHaveCountAsync(seeded.CallsLastWeek);
        await Assertions.Expect(ritasTimeline.TestId("export-evidence")).ToHaveCountAsync(0);
        await Assertions.Expect(ritasTimeline.Page.GetByRole(AriaRole.Link, new() { Name = "Evidence" })).ToHaveCountAsync(0);
        var refused = await DashboardPage.OpenAsync(rita, $"{portal.Url}/evidence?{filters}");
        Assert.Equal(403, refused.Response!.Status);
        await Assertions.Expect(refused.Page.GetByRole(AriaRole.Heading, new() { Name = "No access" })).ToBeVisibleAsync();
        await Assertions.Expect(refused.TestId("no-access-role")).ToContainTextAsync("evidence export is for Managers");
        await refused.AssertAccessibleAsync();
        await refused.ScreenshotAsync("evidence-denied");
    }

    private static string ManifestSha256(string pack)
    {
        using var zip = ZipFile.OpenRead(pack);
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(manifest));
    }
}
