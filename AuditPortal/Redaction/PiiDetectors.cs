using System.Text.RegularExpressions;

namespace AuditPortal.Redaction;

/// <summary>
/// The detectors the portal offers, in the order they run: secrets first (a key may contain
/// anything), then e-mail addresses, IBANs, payment cards, and phone numbers last, because a card
/// number or an IBAN also looks like a phone number.
/// <para>
/// Every pattern runs on the non-backtracking engine: content is untrusted and up to megabytes long,
/// and a backtracking pattern such as the e-mail one can take quadratic time on a crafted text. That
/// engine has no look-arounds, so the checks look at the characters around a candidate instead.
/// </para>
/// </summary>
public static class PiiDetectors
{
    public const string Secret = "secret";
    public const string Email = "email";
    public const string Iban = "iban";
    public const string PaymentCard = "card";
    public const string Phone = "phone";

    private const RegexOptions Linear = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    // Known key prefixes (OpenAI, Anthropic, Stripe, GitHub, Slack, AWS, Google, this portal) and PEM
    // private keys; then any long token that looks random.
    private static readonly Regex SecretPattern = new(
        @"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----" +
        @"|\b(sk-(ant-|proj-)?[A-Za-z0-9_\-]{20,}|(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}" +
        @"|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{35}|ap_[A-Za-z0-9_\-]{20,})" +
        @"|(?<generic>[A-Za-z0-9+/_\-]{32,}={0,2})", Linear);

    private static readonly Regex EmailPattern = new(
        @"[A-Za-z0-9._%+\-]+@[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}", Linear);

    // As printed (groups of four, upper case) or compact; a looser pattern runs on into the next word.
    private static readonly Regex IbanPattern = new(@"\b[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,4})?\b", Linear);

    private static readonly Regex CardPattern = new(@"[0-9]([ \-]?[0-9]){12,18}", Linear);

    private static readonly Regex PhonePattern = new(@"\+?\(?[0-9]([ .\-()]{0,2}[0-9]){7,14}", Linear);

    private static readonly Regex IsoDate = new(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}", Linear);

    public static readonly IReadOnlyList<PiiDetector> All =
    [
        new(Secret, SecretPattern, p => p.LongestTokenRun >= 15 || p.HasPemHeader, (_, m) => !m.Groups["generic"].Success || LooksRandom(m.Value), v => v),
        new(Email, EmailPattern, p => p.HasAt, (_, _) => true, v => v.ToLowerInvariant()),
        new(Iban, IbanPattern, p => p.Digits >= 10, (_, m) => IbanChecksum.IsValid(Compact(m.Value).ToUpperInvariant()), v => Compact(v).ToUpperInvariant()),
        new(PaymentCard, CardPattern, p => p.Digits >= 13, (text, m) => StandsAlone(text, m) && Compact(m.Value) is { Length: >= 13 and <= 19 } digits && Luhn.IsValid(digits), Compact),
        new(Phone, PhonePattern, p => p.Digits >= 8, IsPhoneNumber, v => (v.StartsWith('+') ? "+" : "") + Digits(v)),
    ];

    public static IReadOnlyCollection<string> Names { get; } = [.. All.Select(d => d.Name)];

    // A token without a known prefix counts only if it looks random: upper and lower case and digits
    // mixed, at least 4 bits of entropy per character (ids, hex digests and words fall below).
    private static bool LooksRandom(string token) =>
        token.Any(char.IsAsciiDigit) && token.Any(char.IsAsciiLetterUpper) && token.Any(char.IsAsciiLetterLower)
        && BitsPerCharacter(token) >= 4.0;

    // An international number (+…), or a national one written in groups ("020 7946 0958",
    // "(555) 123-4567"); a bare run of digits is more often an id, and a date is not a phone number.
    private static bool IsPhoneNumber(string text, Match m)
    {
        if (!StandsAlone(text, m) || (m.Index > 0 && (char.IsLetterOrDigit(text[m.Index - 1]) || text[m.Index - 1] == '+'))) return false;
        if (Digits(m.Value) is not { Length: >= 8 and <= 15 } || IsoDate.IsMatch(m.Value)) return false;
        return m.Value.StartsWith('+') || m.Value.Count(c => c is ' ' or '.' or '-' or '(' or ')') >= 2;
    }

    private static bool StandsAlone(string text, Match m) =>
        (m.Index == 0 || !char.IsAsciiDigit(text[m.Index - 1])) && (m.Index + m.Length == text.Length || !char.IsAsciiDigit(text[m.Index + m.Length]));

    private static double BitsPerCharacter(string token)
    {
        var counts = new Dictionary<char, int>();
        foreach (var c in token) counts[c] = counts.GetValueOrDefault(c) + 1;
        return -counts.Values.Sum(n => (double)n / token.Length * Math.Log2((double)n / token.Length));
    }

    private static string Compact(string value) => string.Concat(value.Where(c => c is not (' ' or '-')));

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));
}
