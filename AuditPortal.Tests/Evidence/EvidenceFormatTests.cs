using AuditPortal.Features.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>How the evidence page words a job's filters and progress.</summary>
public sealed class EvidenceFormatTests
{
    [Fact]
    public void FiltersReadAsWordsWithTimesToTheSecondInUtc()
    {
        var filters = new Dictionary<string, string>
        {
            ["actor"] = "carol@example.com", ["prompt"] = "support-reply", ["promptVersion"] = "3",
            ["from"] = "2026-11-26T11:23:17.0000000Z", ["to"] = "2026-12-03T11:23:17.5000000Z", ["q"] = "=cmd",
        };

        Assert.Equal("user “carol@example.com”, prompt “support-reply”, version “3”, from “2026-11-26 11:23:17 UTC”, " +
                     "to “2026-12-03 11:23:17.5000000 UTC”, text “=cmd”", EvidenceFormat.Filters(filters));
        Assert.Equal("no filters (every event)", EvidenceFormat.Filters(new Dictionary<string, string>()));
    }

    [Fact]
    public void ProgressSaysRowsOfTotalOnlyOnceTheTotalIsKnown()
    {
        Assert.Null(EvidenceFormat.Rows(new EvidenceProgress(EvidencePhases.Selecting, 0, 0)));
        Assert.Equal("1,500 of 12,000 rows written", EvidenceFormat.Rows(new EvidenceProgress(EvidencePhases.Entries, 1500, 12000)));
        Assert.Equal(12.5, EvidenceFormat.Percent(new EvidenceProgress(EvidencePhases.Entries, 1500, 12000)));
    }
}
