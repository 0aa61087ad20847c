using System.IO.Compression;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Evidence;
using AuditPortal.Tests.Infrastructure;
using ClosedXML.Excel;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// evidence.xlsx read back with ClosedXML, as a compliance team's tools read it: ledger text that looks
/// like a formula stays a literal string, over-long text is cut with a marker, dates are real dates,
/// and every sheet has its frozen header, auto-filter and widths.
/// </summary>
[Collection("sqlite")]
public sealed class EvidenceWorkbookTests(SqlitePortalFixture fixture) : IClassFixture<SqlitePortalFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("evidence-workbook-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private async Task<XLWorkbook> ExportAsync(string queryString)
    {
        var pack = Path.Combine(_folder, $"{Guid.NewGuid():N}.zip");
        await fixture.Portal.Services.GetRequiredService<EvidenceExporter>().ExportAsync(
            new EvidenceRequest(EvidenceExportTests.Parse(queryString), IncludeContent: true), new ActorRef("mark.manager@example.com", ActorKinds.User),
            "dashboard", pack, null, Ct);
        using var zip = ZipFile.OpenRead(pack);
        return new XLWorkbook(new MemoryStream(EvidenceExportTests.Bytes(zip, EvidencePackFormat.Workbook)));
    }

    [Fact]
    public async Task LedgerTextThatLooksLikeAFormulaIsALiteralStringCell()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        string[] hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1"];
        await Events.PostAsync(fixture.Ingest, [.. hostile.Select((text, i) =>
        {
            var created = Events.PromptCreated($"{tag}-{i}", $"wb-{tag}-{i}", 1, "alice@example.com");
            created["prompt"]!["template"] = text;
            return created;
        })]);

        using var workbook = await ExportAsync($"?q=wb-{tag}");

        var sheet = workbook.Worksheet("Prompt changes");
        var templates = sheet.Column(10);
        Assert.Equal("Template", templates.Cell(1).GetString());
        for (var i = 0; i < hostile.Length; i++)
        {
            var cell = templates.Cell(i + 2);
            Assert.False(cell.HasFormula, $"row {i + 2} holds a formula: {cell.FormulaA1}");
            Assert.Equal(XLDataType.Text, cell.DataType);
            Assert.True(cell.Style.IncludeQuotePrefix, "retyping the cell keeps it text");
            Assert.Equal(hostile[i], cell.GetString());
            Assert.Equal($"wb-{tag}-{i}", sheet.Cell(i + 2, 3).GetString());
        }
        Assert.DoesNotContain(workbook.Worksheets.SelectMany(w => w.CellsUsed()), c => c.HasFormula);
    }

    [Fact]
    public async Task TextOverExcelsCellLimitIsCutWithAMarkerAndDatesAreExcelDates()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var occurred = new DateTimeOffset(2026, 11, 20, 9, 30, 15, 250, TimeSpan.FromHours(1));
        var longText = string.Concat(Enumerable.Repeat("0123456789", 4_000)); // 40,000 characters
        await Events.PostAsync(fixture.Ingest, Events.LlmCall($"{tag}-long", application: $"wb-{tag}", at: occurred, text: longText));

        using var workbook = await ExportAsync($"?application=wb-{tag}");

        var events = workbook.Worksheet("Events");
        Assert.Equal("Input", events.Cell(1, 15).GetString());
        var input = events.Cell(2, 15).GetString();
        Assert.Equal(CellText.MaxLength, input.Length);
        Assert.StartsWith("user: 0123456789", input);
        Assert.EndsWith(" … [cut: 40,006 characters in full; the whole text is in contents.jsonl]", input);

        Assert.Equal("Occurred (UTC)", events.Cell(1, 2).GetString());
        var date = events.Cell(2, 2);
        Assert.Equal(XLDataType.DateTime, date.DataType);
        Assert.Equal(occurred.UtcDateTime, date.GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(XLDataType.Number, events.Cell(2, 1).DataType);

        foreach (var sheet in workbook.Worksheets)
        {
            Assert.Equal(1, sheet.SheetView.SplitRow);
            Assert.True(sheet.AutoFilter.IsEnabled, sheet.Name);
            Assert.Equal(1, sheet.AutoFilter.Range.FirstRow().RowNumber());
        }
        // Set widths (ClosedXML reports them less its padding of under a character), not the default.
        Assert.Equal(10, events.Column(1).Width, 1.0);
        Assert.Equal(60, events.Column(15).Width, 1.0);
        Assert.Equal(110, workbook.Worksheet("Summary").Column(2).Width, 1.0);
        Assert.Equal(["Summary", "Events", "Prompt changes", "Access", "Integrity"], workbook.Worksheets.Select(w => w.Name));
    }
}
