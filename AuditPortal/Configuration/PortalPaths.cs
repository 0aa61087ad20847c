namespace AuditPortal.Configuration;

/// <summary>What relative paths in the settings mean: relative to the settings file's folder (see PortalConfiguration).</summary>
public static class PortalPaths
{
    /// <summary>Resolves a configured path against the settings folder unless it is absolute.</summary>
    public static string Resolve(string settingsFolder, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(settingsFolder, path));

    /// <summary>Makes a SQLite "Data Source=relative/file" absolute and creates its folder (0700) and file (0600).</summary>
    public static string ResolveSqliteConnectionString(string settingsFolder, string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal)
            && builder.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory)
        {
            builder.DataSource = Resolve(settingsFolder, source);
            Data.Ledger.Providers.OwnerOnlyFiles.CreateSqliteDatabase(builder.DataSource);
        }
        return builder.ToString();
    }
}
