using AuditPortal.Reading;


namespace AuditPortal.Tests.Evidence;

public sealed class ExportAccessDescriptionTests
{
    [Fact]
    public void TheAccessLogReadsAnExportAsASentenceNamingThePackItsFiltersAndItsManifest()
    {
        var details = new Dictionary<string, string>
        {
            ["filter.prompt"] = "support-reply", ["filter.promptVersion"] = "3", ["includeContent"] = "true", ["file"] = "evidence-20261203T110000Z.zip",
            ["events"] = "42", ["manifestSha256"] = "ab12", ["via"] = "dashboard", ["treeSize"] = "900",
        };

        var parts = AccessDescription.Describe("evidence.export", details);

        Assert.Equal("Exported evidence pack evidence-20261203T110000Z.zip for prompt “support-reply”, version “3”: 42 events, with content · manifest SHA-256 ab12",
            string.Concat(parts.Select(p => p.Text)));
        Assert.Equal("Exported evidence pack x.zip for every event: 1 event, without content",
            string.Concat(AccessDescription.Describe("evidence.export", new Dictionary<string, string> { ["file"] = "x.zip", ["events"] = "1" }).Select(p => p.Text)));
    }
}
