namespace AuditPortal.Infrastructure;

/// <summary>RFC 9457 problem type URIs; docs/api.md explains each one.</summary>
public static class ProblemTypes
{
    public const string Validation = "urn:auditportal:problem:validation";
    public const string Conflict = "urn:auditportal:problem:conflict";
    public const string Unauthorized = "urn:auditportal:problem:unauthorized";
    public const string Forbidden = "urn:auditportal:problem:forbidden";
    public const string TooLarge = "urn:auditportal:problem:too-large";
    public const string UnsupportedMediaType = "urn:auditportal:problem:unsupported-media-type";
    public const string NotFound = "urn:auditportal:problem:not-found";
    public const string RequestTimeout = "urn:auditportal:problem:request-timeout";
    public const string Unavailable = "urn:auditportal:problem:unavailable";
    public const string Internal = "urn:auditportal:problem:internal";
}
