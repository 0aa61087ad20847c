using AuditPortal.Features.Prompts;
using static AuditPortal.Features.Prompts.DiffPieceKind;

namespace AuditPortal.Tests.Dashboard;

/// <summary>The diff model the prompt diff page renders: lines paired side by side, words marked within a changed line.</summary>
public sealed class PromptTextDiffTests
{
    private static DiffPiece Same(string text) => new(text, Unchanged);
    private static DiffPiece Ins(string text) => new(text, Inserted);
    private static DiffPiece Del(string text) => new(text, Deleted);

    [Fact]
    public void AChangedLineMarksExactlyTheWordsThatChangedOnEachSideAndInline()
    {
        var diff = PromptTextDiff.Compare("You are a support agent.\nAnswer politely in English.", "You are a support agent.\nAnswer briefly in French.");

        Assert.Equal([DiffLineKind.Unchanged, DiffLineKind.Modified], diff.Rows.Select(r => r.Kind));
        var changed = diff.Rows[1];
        Assert.Equal((2, 2), (changed.OldNumber, changed.NewNumber));
        Assert.Equal([Same("Answer "), Del("politely"), Same(" in "), Del("English"), Same(".")], changed.Old!);
        Assert.Equal([Same("Answer "), Ins("briefly"), Same(" in "), Ins("French"), Same(".")], changed.New!);
        Assert.Equal([Same("Answer "), Del("politely"), Ins("briefly"), Same(" in "), Del("English"), Ins("French"), Same(".")],
            diff.Inline.ElementAt(1).Pieces);
        Assert.False(diff.Identical);
    }

    [Fact]
    public void NeighbouringChangedWordsAreOneElementWithTheirSpaces()
    {
        var row = Assert.Single(PromptTextDiff.Compare("Reply in plain English please", "Reply with short French sentences please").Rows);

        Assert.Equal([Same("Reply "), Del("in plain English"), Same(" please")], row.Old!);
        Assert.Equal([Same("Reply "), Ins("with short French sentences"), Same(" please")], row.New!);
    }

    [Fact]
    public void LinesOnlyOneSideHasAreWholeDeletedOrInsertedLinesNumberedOnTheirSide()
    {
        var diff = PromptTextDiff.Compare("keep\ndrop me\nend", "keep\nend\nnew last line");

        Assert.Equal(
            [(DiffLineKind.Unchanged, 1, 1), (DiffLineKind.Deleted, 2, null), (DiffLineKind.Unchanged, 3, 2), (DiffLineKind.Inserted, null, 3)],
            diff.Rows.Select(r => (r.Kind, r.OldNumber, r.NewNumber)));
        Assert.Equal([Del("drop me")], diff.Rows[1].Old!);
        Assert.Null(diff.Rows[1].New);
        Assert.Equal([Ins("new last line")], diff.Rows[3].New!);
        Assert.Equal([[Same("keep")], [Del("drop me")], [Same("end")], [Ins("new last line")]], diff.Inline.Select(l => l.Pieces));
    }

    [Fact]
    public void TheSameTextIsIdenticalWhateverItsLineEndings()
    {
        Assert.True(PromptTextDiff.Compare("one\r\ntwo", "one\ntwo").Identical);
        Assert.True(PromptTextDiff.Compare("", "").Identical);
        Assert.Equal([DiffLineKind.Inserted], PromptTextDiff.Compare("", "now something").Rows.Select(r => r.Kind));
    }
}
