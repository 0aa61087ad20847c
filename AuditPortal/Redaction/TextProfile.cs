using System.Buffers;

namespace AuditPortal.Redaction;

/// <summary>
/// What a quick look at a text says about it, so that a detector whose pattern cannot match is not
/// run at all: most content has no '@', few digits and no long token, and these vectorised searches
/// over a kilobyte cost far less than running five patterns over it.
/// </summary>
public readonly record struct TextProfile(int Digits, bool HasAt, int LongestTokenRun, bool HasPemHeader)
{
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=");

    public static TextProfile Of(string text)
    {
        var span = text.AsSpan();
        var digits = 0;
        for (var rest = span; rest.IndexOfAnyInRange('0', '9') is var i and >= 0; rest = rest[(i + 1)..]) digits++;
        var longest = 0;
        for (var rest = span; rest.IndexOfAny(TokenCharacters) is var start and >= 0;)
        {
            rest = rest[start..];
            var length = rest.IndexOfAnyExcept(TokenCharacters) is var end and >= 0 ? end : rest.Length;
            longest = Math.Max(longest, length);
            rest = rest[length..];
        }
        return new TextProfile(digits, span.Contains('@'), longest, span.Contains("-----BEGIN", StringComparison.Ordinal));
    }
}
