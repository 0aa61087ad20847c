using AuditPortal.Testing;

namespace AuditPortal.Bench;

/// <summary>The portal process as the bench runs it: the tests' launcher, with no time limit on verbs (seed-demo of a million takes minutes).</summary>
public static class BenchPortal
{
    public const string Origin = "localhost/auditportal";

    public static PortalProcess Create(string portalDll, string provider, string connectionString, string directory,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var portal = new PortalProcess(portalDll, provider, connectionString, directory, Origin) { VerbTimeout = Timeout.InfiniteTimeSpan };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>()) portal.Environment[name] = value;
        return portal;
    }
}
