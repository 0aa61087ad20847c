using System.Globalization;
using System.Text;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Verification;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// verify compares a time column's SQLite text with the envelope's canonical timestamp byte by byte;
/// the result must be what formatting the time the way Microsoft.Data.Sqlite stores it gives.
/// </summary>
public sealed class SqliteTimeTextTests
{
    private const string SqliteFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    public static TheoryData<DateTime> Times =>
    [
        new DateTime(2026, 11, 4, 14, 46, 28, DateTimeKind.Utc).AddTicks(2_230_000),
        new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc),
        new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1),
        new DateTime(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_000_000),
        new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void TheStoredTextOfTheSameTimeMatches(DateTime time)
    {
        var canonical = Encoding.UTF8.GetBytes(Timestamps.ToCanonical(time));
        var stored = Encoding.UTF8.GetBytes(time.ToString(SqliteFormat, CultureInfo.InvariantCulture));

        Assert.True(SqliteTimeText.Matches(canonical, stored));
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void AnyOtherTextDoesNot(DateTime time)
    {
        var canonical = Encoding.UTF8.GetBytes(Timestamps.ToCanonical(time));
        var stored = time.ToString(SqliteFormat, CultureInfo.InvariantCulture);
        string[] others =
        [
            time.AddTicks(1).ToString(SqliteFormat, CultureInfo.InvariantCulture),
            time.AddSeconds(-1).ToString(SqliteFormat, CultureInfo.InvariantCulture),
            stored.Replace(' ', 'T'),
            stored + "0",
            stored.Contains('.') ? stored + "1" : stored + ".0",
            stored + "Z",
            stored[..^1],
            Timestamps.ToCanonical(time),
            "",
        ];

        Assert.All(others, other => Assert.False(SqliteTimeText.Matches(canonical, Encoding.UTF8.GetBytes(other)), other));
    }

    [Fact]
    public void AnEnvelopeTimeNotInTheCanonicalFormMatchesNothing()
    {
        var time = new DateTime(2026, 11, 4, 14, 46, 28, DateTimeKind.Utc);
        var stored = Encoding.UTF8.GetBytes(time.ToString(SqliteFormat, CultureInfo.InvariantCulture));

        Assert.False(SqliteTimeText.Matches("2026-11-04T14:46:28Z"u8, stored));
        Assert.False(SqliteTimeText.Matches("2026-11-04T14:46:28.00000000Z"u8, stored));
    }
}
