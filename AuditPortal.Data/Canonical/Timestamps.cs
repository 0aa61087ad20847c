using System.Globalization;

namespace AuditPortal.Data.Canonical;

/// <summary>The one timestamp form in canonical bytes: UTC with seven fractional digits.</summary>
public static class Timestamps
{
    public const string CanonicalFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToCanonical(DateTimeOffset value) =>
        value.UtcDateTime.ToString(CanonicalFormat, CultureInfo.InvariantCulture);

    public static string ToCanonical(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString(CanonicalFormat, CultureInfo.InvariantCulture);
}
