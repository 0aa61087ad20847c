using Xunit;

namespace AuditPortal.Testing;

/// <summary>
/// The real PostgreSQL server scripts/test.sh starts (AUDITPORTAL_TEST_POSTGRES). Under the test script
/// its absence is a failure; in a bare `dotnet test` the PostgreSQL tests are skipped with that reason.
/// </summary>
public static class PostgresServer
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("AUDITPORTAL_TEST_POSTGRES");

    public static string Require()
    {
        if (ConnectionString is { Length: > 0 } connectionString) return connectionString;
        if (Environment.GetEnvironmentVariable("AUDITPORTAL_REQUIRE_POSTGRES") == "1")
            throw new InvalidOperationException("AUDITPORTAL_TEST_POSTGRES is not set although scripts/test.sh should have started PostgreSQL.");
        Assert.Skip("No PostgreSQL server: run scripts/test.sh, which starts one and sets AUDITPORTAL_TEST_POSTGRES.");
        return "";
    }
}
