using AuditPortal.Reading;


namespace AuditPortal.Tests.Evidence;

public sealed class DownloadAccessDescriptionTests
{
    [Fact]
    public void TheAccessLogReadsADownloadAsASentenceNamingTheFileItsExporterAndItsManifest()
    {
        var details = new Dictionary<string, string>
        {
            ["pack"] = "0123456789abcdef0123456789abcdef", ["file"] = "evidence-20261203T110000Z.zip", ["exportedBy"] = "mark.manager@example.com",
            ["manifestSha256"] = "ab12", ["via"] = "dashboard",
        };

        var parts = AccessDescription.Describe("evidence.download", details);

        Assert.Equal("Downloaded evidence pack evidence-20261203T110000Z.zip exported by mark.manager@example.com · manifest SHA-256 ab12",
            string.Concat(parts.Select(p => p.Text)));
        Assert.All(parts, p => Assert.Null(p.Href));
    }
}
