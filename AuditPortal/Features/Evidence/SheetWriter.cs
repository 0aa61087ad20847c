using System.Globalization;
using System.Text;
using System.Xml;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// Streams one worksheet's rows to a file as they are produced, so a sheet of any length costs the
/// same memory; <see cref="XlsxPackage"/> wraps them into the worksheet part. The first row is the
/// header. Rows are written without a namespace: they land inside the worksheet's sheetData, whose
/// default namespace is SpreadsheetML's.
/// </summary>
internal sealed class SheetWriter : IDisposable
{
    private readonly XmlWriter _xml;
    private readonly FileStream _file;
    private int _column;

    public SheetWriter(string folder, string name, IReadOnlyList<SheetColumn> columns)
    {
        Name = name;
        Columns = columns;
        RowsPath = Path.Combine(folder, $"sheet-{Guid.NewGuid():N}.rows");
        _file = new FileStream(RowsPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        _xml = XmlWriter.Create(_file, new XmlWriterSettings
        {
            ConformanceLevel = ConformanceLevel.Fragment, Encoding = new UTF8Encoding(false), CloseOutput = false,
            NewLineHandling = NewLineHandling.Entitize, // keeps CR in cell text as &#xD; instead of normalising it away
        });
        BeginRow();
        foreach (var column in columns) Cell(column.Header, XlsxStyles.Header);
        EndRow();
    }

    public string Name { get; }
    public IReadOnlyList<SheetColumn> Columns { get; }
    public string RowsPath { get; }

    /// <summary>Rows written, the header included.</summary>
    public int Rows { get; private set; }

    public void BeginRow()
    {
        Rows++;
        _column = 0;
        _xml.WriteStartElement("row");
        _xml.WriteAttributeString("r", Rows.ToString(CultureInfo.InvariantCulture));
    }

    public void EndRow() => _xml.WriteEndElement();

    /// <summary>A text cell: always an inline string, never a formula (see <see cref="CellText"/>); null leaves the cell empty.</summary>
    public void Text(string? text) => Cell(text, CellText.LooksLikeFormula(text ?? "") ? XlsxStyles.LiteralText : XlsxStyles.Text);

    public void Number(long? value)
    {
        var reference = NextReference();
        if (value is null) return;
        _xml.WriteStartElement("c");
        _xml.WriteAttributeString("r", reference);
        _xml.WriteElementString("v", value.Value.ToString(CultureInfo.InvariantCulture));
        _xml.WriteEndElement();
    }

    /// <summary>A date cell: an Excel serial date (UTC) with a date format, so it sorts and filters as a date.</summary>
    public void Date(DateTime? utc)
    {
        var reference = NextReference();
        if (utc is null) return;
        _xml.WriteStartElement("c");
        _xml.WriteAttributeString("r", reference);
        _xml.WriteAttributeString("s", XlsxStyles.Date.ToString(CultureInfo.InvariantCulture));
        _xml.WriteElementString("v", utc.Value.ToOADate().ToString("R", CultureInfo.InvariantCulture));
        _xml.WriteEndElement();
    }

    private void Cell(string? text, int style)
    {
        var reference = NextReference();
        if (text is null) return;
        _xml.WriteStartElement("c");
        _xml.WriteAttributeString("r", reference);
        _xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        _xml.WriteAttributeString("t", "inlineStr");
        _xml.WriteStartElement("is");
        _xml.WriteStartElement("t");
        _xml.WriteAttributeString("xml", "space", null, "preserve");
        _xml.WriteString(CellText.ForCell(text));
        _xml.WriteEndElement();
        _xml.WriteEndElement();
        _xml.WriteEndElement();
    }

    private string NextReference() => ColumnName(_column++) + Rows.ToString(CultureInfo.InvariantCulture);

    public static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }

    /// <summary>Finishes the rows file; call before the package reads it.</summary>
    public void Complete()
    {
        _xml.Flush();
        _file.Flush();
    }

    public void Dispose()
    {
        _xml.Dispose();
        _file.Dispose();
    }
}

/// <param name="Width">In characters, as Excel measures column width.</param>
internal sealed record SheetColumn(string Header, double Width);
