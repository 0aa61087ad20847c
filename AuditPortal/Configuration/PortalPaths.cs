namespace AuditPortal.Configuration;

/// <summary>What relative paths in the settings mean: relative to the settings file's folder (see PortalConfiguration).</summary>
public static class PortalPaths
{
    /// <summary>Resolves a configured path against the settings folder unless it is absolute.</summary>
    public static string Resolve(string settingsFolder, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(settingsFolder, path));

    /// <summary>Makes a SQLite "Data Source=relative/file" absolute and creates its folder.</summary>
    public static string ResolveSqliteConnectionString(string settingsFolder, string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
        {
            builder.DataSource = Resolve(settingsFolder, source);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        return builder.ToString();
    }
}
