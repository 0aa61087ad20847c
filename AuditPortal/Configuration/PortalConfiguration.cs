using Microsoft.Extensions.Configuration.Json;

namespace AuditPortal.Configuration;

public static class PortalConfiguration
{
    /// <summary>
    /// Operators edit one appsettings.json. In a checkout it is the repository root's (beside
    /// AuditPortal.sln, one level above the project that `dotnet run --project AuditPortal` starts in);
    /// in a published build it is the copy next to the executable. Relative paths in it (data/…) are
    /// resolved against its folder. appsettings.{Environment}.json beside it, environment variables
    /// (AuditPortal__…) and command-line arguments override it, in that order.
    /// </summary>
    /// <returns>The folder relative paths are resolved against.</returns>
    public static string AddSettingsFiles(ConfigurationManager configuration, string contentRoot, string environmentName)
    {
        var folder = FindSettingsFolder(contentRoot);
        if (Path.GetFullPath(folder) == Path.GetFullPath(contentRoot)) return folder; // the host loaded these already

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var at = 0;
        foreach (var file in new[] { "appsettings.json", $"appsettings.{environmentName}.json" })
        {
            var source = new JsonConfigurationSource { Path = Path.Combine(folder, file), Optional = true, ReloadOnChange = false };
            source.ResolveFileProvider();
            // Before the host's own sources, so environment variables and arguments keep precedence.
            sources.Insert(at++, source);
        }
        return folder;
    }

    public static string FindSettingsFolder(string contentRoot)
    {
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json"))) return contentRoot;
        var parent = Path.GetDirectoryName(Path.GetFullPath(contentRoot).TrimEnd(Path.DirectorySeparatorChar));
        if (parent is not null && File.Exists(Path.Combine(parent, "AuditPortal.sln")) && File.Exists(Path.Combine(parent, "appsettings.json")))
            return parent;
        return AppContext.BaseDirectory;
    }
}
