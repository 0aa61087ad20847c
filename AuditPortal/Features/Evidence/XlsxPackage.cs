using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Assembles streamed sheets into an .xlsx (an OPC zip of SpreadsheetML parts) without holding any
/// sheet in memory: each worksheet part is the sheet's view (header row frozen), column widths, its
/// streamed rows and an auto-filter over them. Written with the zip in create mode, one part after the
/// other; ClosedXML reads the result (the tests read every workbook back with it).
/// </summary>
internal static class XlsxPackage
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static void Write(string path, IReadOnlyList<SheetWriter> sheets)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Text(zip, "[Content_Types].xml", ContentTypes(sheets.Count));
        Text(zip, "_rels/.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Text(zip, "xl/workbook.xml", Workbook(sheets));
        Text(zip, "xl/_rels/workbook.xml.rels", WorkbookRelationships(sheets.Count));
        Text(zip, "xl/styles.xml", XlsxStyles.Xml);
        for (var i = 0; i < sheets.Count; i++) Worksheet(zip, $"xl/worksheets/sheet{i + 1}.xml", sheets[i]);
    }

    private static void Text(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    private static string ContentTypes(int sheets)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">""");
        builder.Append("""<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>""");
        builder.Append("""<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""");
        builder.Append("""<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""");
        for (var i = 1; i <= sheets; i++)
            builder.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
        return builder.Append("</Types>").ToString();
    }

    private static string Workbook(IReadOnlyList<SheetWriter> sheets)
    {
        var builder = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{Main}" xmlns:r="{Relationships}"><bookViews><workbookView/></bookViews><sheets>"""));
        for (var i = 0; i < sheets.Count; i++)
            builder.Append(CultureInfo.InvariantCulture, $"""<sheet name="{SecurityElement.Escape(sheets[i].Name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>""");
        builder.Append("</sheets><definedNames>");
        // Excel names each sheet's filter range; without it some versions repair the file on opening.
        for (var i = 0; i < sheets.Count; i++)
            builder.Append(CultureInfo.InvariantCulture,
                $"""<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'{SecurityElement.Escape(sheets[i].Name)}'!{FilterRange(sheets[i], absolute: true)}</definedName>""");
        return builder.Append("</definedNames></workbook>").ToString();
    }

    private static string WorkbookRelationships(int sheets)
    {
        var builder = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        for (var i = 1; i <= sheets; i++)
            builder.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>""");
        builder.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""");
        return builder.Append("</Relationships>").ToString();
    }

    private static string FilterRange(SheetWriter sheet, bool absolute)
    {
        var last = SheetWriter.ColumnName(sheet.Columns.Count - 1);
        return absolute ? $"$A$1:${last}${sheet.Rows}" : $"A1:{last}{sheet.Rows}";
    }

    private static void Worksheet(ZipArchive zip, string name, SheetWriter sheet)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        var head = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{Main}" xmlns:r="{Relationships}">"""));
        head.Append(CultureInfo.InvariantCulture, $"""<dimension ref="{FilterRange(sheet, absolute: false)}"/>""");
        // The header row stays in view while scrolling.
        head.Append("""<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>""");
        head.Append("<cols>");
        for (var i = 0; i < sheet.Columns.Count; i++)
            head.Append(CultureInfo.InvariantCulture, $"""<col min="{i + 1}" max="{i + 1}" width="{sheet.Columns[i].Width.ToString(CultureInfo.InvariantCulture)}" customWidth="1"/>""");
        head.Append("</cols><sheetData>");
        stream.Write(Encoding.UTF8.GetBytes(head.ToString()));
        using (var rows = new FileStream(sheet.RowsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
            rows.CopyTo(stream);
        stream.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"""</sheetData><autoFilter ref="{FilterRange(sheet, absolute: false)}"/></worksheet>""")));
    }
}
