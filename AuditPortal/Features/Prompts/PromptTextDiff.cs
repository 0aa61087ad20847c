using DiffPlex;
using DiffPlex.Chunkers;

namespace AuditPortal.Features.Prompts;

/// <summary>
/// The differences between two prompt templates: line by line, and word by word within a line that
/// changed. Plain data (text pieces marked unchanged, inserted or deleted) so the page renders every
/// piece as text, inserted and deleted ones inside <c>&lt;ins&gt;</c> and <c>&lt;del&gt;</c>.
/// DiffPlex finds the differences (the longest common subsequence); pairing and merging are ours.
/// </summary>
public sealed record PromptTextDiff(IReadOnlyList<DiffRow> Rows)
{
    public bool Identical => Rows.All(r => r.Kind == DiffLineKind.Unchanged);

    /// <summary>The lines as an inline view shows them: a changed line once, its deleted and inserted words interleaved.</summary>
    public IEnumerable<InlineDiffLine> Inline => Rows.Select(r => r.Kind switch
    {
        DiffLineKind.Deleted => new InlineDiffLine(r.OldNumber, null, r.Kind, r.Old!),
        DiffLineKind.Inserted => new InlineDiffLine(null, r.NewNumber, r.Kind, r.New!),
        _ => new InlineDiffLine(r.OldNumber, r.NewNumber, r.Kind, r.Merged),
    });

    public static PromptTextDiff Compare(string older, string newer)
    {
        var lineDiff = Differ.Instance.CreateDiffs(older, newer, false, false, LineSplitter.Instance);
        // DiffPlex's own pieces, so its block positions index them (it gives none for an empty template).
        var oldLines = lineDiff.PiecesOld;
        var newLines = lineDiff.PiecesNew;
        var rows = new List<DiffRow>();
        int a = 0, b = 0;
        void Same(int untilA)
        {
            for (; a < untilA; a++, b++)
                rows.Add(new DiffRow(DiffLineKind.Unchanged, a + 1, b + 1, [Piece(oldLines[a], DiffPieceKind.Unchanged)],
                    [Piece(newLines[b], DiffPieceKind.Unchanged)], [Piece(oldLines[a], DiffPieceKind.Unchanged)]));
        }
        foreach (var block in lineDiff.DiffBlocks)
        {
            Same(block.DeleteStartA);
            // A replaced line pairs with the line that replaced it, so the change shows word by word;
            // the rest of a longer side are whole lines deleted or inserted.
            var paired = Math.Min(block.DeleteCountA, block.InsertCountB);
            for (var i = 0; i < paired; i++) rows.Add(Modified(oldLines[a + i], newLines[b + i], a + i + 1, b + i + 1));
            for (var i = paired; i < block.DeleteCountA; i++)
                rows.Add(new DiffRow(DiffLineKind.Deleted, a + i + 1, null, [Piece(oldLines[a + i], DiffPieceKind.Deleted)], null, []));
            for (var i = paired; i < block.InsertCountB; i++)
                rows.Add(new DiffRow(DiffLineKind.Inserted, null, b + i + 1, null, [Piece(newLines[b + i], DiffPieceKind.Inserted)], []));
            a += block.DeleteCountA;
            b += block.InsertCountB;
        }
        Same(oldLines.Count);
        return new PromptTextDiff(rows);
    }

    private static DiffRow Modified(string oldLine, string newLine, int oldNumber, int newNumber)
    {
        var words = Differ.Instance.CreateDiffs(oldLine, newLine, false, false, WordChunker.Instance);
        var old = new PieceList();
        var @new = new PieceList();
        var merged = new PieceList();
        // A run of changes between two unchanged words: its deleted words, then the words that replaced
        // them ("<del>politely</del><ins>briefly</ins>"). A space DiffPlex found common inside the run
        // belongs to both, so "in plain English" is one deletion rather than three.
        var deleted = new System.Text.StringBuilder();
        var inserted = new System.Text.StringBuilder();
        void EndRun()
        {
            old.Add(deleted.ToString(), DiffPieceKind.Deleted);
            merged.Add(deleted.ToString(), DiffPieceKind.Deleted);
            @new.Add(inserted.ToString(), DiffPieceKind.Inserted);
            merged.Add(inserted.ToString(), DiffPieceKind.Inserted);
            deleted.Clear();
            inserted.Clear();
        }
        var pendingSpace = "";
        void Unchanged(string text)
        {
            var inRun = deleted.Length + inserted.Length > 0;
            if (inRun && string.IsNullOrWhiteSpace(text))
            {
                pendingSpace += text;
                return;
            }
            if (inRun) EndRun();
            text = pendingSpace + text;
            pendingSpace = "";
            old.Add(text, DiffPieceKind.Unchanged);
            @new.Add(text, DiffPieceKind.Unchanged);
            merged.Add(text, DiffPieceKind.Unchanged);
        }
        void Changed(string? removed, string? added)
        {
            deleted.Append(pendingSpace).Append(removed);
            inserted.Append(pendingSpace).Append(added);
            pendingSpace = "";
        }

        int a = 0, b = 0;
        foreach (var block in words.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++) Unchanged(words.PiecesOld[a]);
            for (var i = 0; i < block.DeleteCountA; i++) Changed(words.PiecesOld[a + i], null);
            for (var i = 0; i < block.InsertCountB; i++) Changed(null, words.PiecesNew[b + i]);
            a += block.DeleteCountA;
            b += block.InsertCountB;
        }
        for (; a < words.PiecesOld.Count; a++) Unchanged(words.PiecesOld[a]);
        if (deleted.Length + inserted.Length > 0) EndRun();
        Unchanged("");
        return new DiffRow(DiffLineKind.Modified, oldNumber, newNumber, old.Pieces, @new.Pieces, merged.Pieces);
    }

    /// <summary>Lines with one line ending, so "\r\n" against "\n" is not a change a reviewer could see.</summary>
    private sealed class LineSplitter : IChunker
    {
        public static readonly LineSplitter Instance = new();

        public IReadOnlyList<string> Chunk(string text) => text.ReplaceLineEndings("\n").Split('\n');
    }

    private static DiffPiece Piece(string text, DiffPieceKind kind) => new(text, kind);

    /// <summary>Pieces with neighbours of one kind joined, so "<c>&lt;del&gt;in English&lt;/del&gt;</c>" is one element, spaces included.</summary>
    private sealed class PieceList
    {
        public List<DiffPiece> Pieces { get; } = [];

        public void Add(string text, DiffPieceKind kind)
        {
            if (text.Length == 0) return;
            if (Pieces.Count > 0 && Pieces[^1].Kind == kind) Pieces[^1] = Pieces[^1] with { Text = Pieces[^1].Text + text };
            else Pieces.Add(new DiffPiece(text, kind));
        }
    }
}

public enum DiffLineKind { Unchanged, Modified, Deleted, Inserted }

public enum DiffPieceKind { Unchanged, Inserted, Deleted }

public sealed record DiffPiece(string Text, DiffPieceKind Kind);

/// <summary>
/// One row of the side-by-side view: the older line (null when the row only inserts) and the newer
/// one (null when it only deletes), numbered from 1, and <paramref name="Merged"/>, the line as the
/// inline view shows a modified one.
/// </summary>
public sealed record DiffRow(DiffLineKind Kind, int? OldNumber, int? NewNumber, IReadOnlyList<DiffPiece>? Old, IReadOnlyList<DiffPiece>? New,
    IReadOnlyList<DiffPiece> Merged);

public sealed record InlineDiffLine(int? OldNumber, int? NewNumber, DiffLineKind Kind, IReadOnlyList<DiffPiece> Pieces);
