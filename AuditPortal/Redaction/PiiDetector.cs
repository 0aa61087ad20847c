using System.Text.RegularExpressions;

namespace AuditPortal.Redaction;

/// <summary>
/// One kind of personal data or secret: a pattern for candidates, a check that throws out look-alikes
/// (a Luhn or IBAN checksum, an entropy floor, the characters around it), and the normal form that is
/// hashed, so that one value written two ways (spaces, case) hashes alike.
/// </summary>
/// <param name="mayMatch">False when the text cannot hold a match (too few digits, no '@'), so the pattern need not run.</param>
/// <param name="isMatch">Given the whole text and a candidate in it.</param>
public sealed class PiiDetector(string name, Regex pattern, Func<TextProfile, bool> mayMatch, Func<string, Match, bool> isMatch, Func<string, string> normalize)
{
    /// <summary>The name in configuration, in the envelope's <c>redactions</c> and in replacements.</summary>
    public string Name { get; } = name;

    public Regex Pattern { get; } = pattern;

    public bool MayMatch(TextProfile profile) => mayMatch(profile);

    public bool IsMatch(string text, Match candidate) => isMatch(text, candidate);

    public string Normalize(string value) => normalize(value);
}
