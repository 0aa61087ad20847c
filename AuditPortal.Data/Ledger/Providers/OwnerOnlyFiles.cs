using Microsoft.Data.Sqlite;

namespace AuditPortal.Data.Ledger.Providers;

/// <summary>
/// The ledger's files are readable by their owner only, like the signing key: the database holds
/// every prompt and completion. SQLite creates a database file with 0644 (less the umask) and gives
/// its -wal and -shm files the database file's mode, so creating the database file 0600 before SQLite
/// does makes all three owner-only. Existing files and folders are left
/// as the operator set them.
/// </summary>
public static class OwnerOnlyFiles
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a folder (and any missing parent) 0700.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, Folder);
    }

    /// <summary>Creates an empty SQLite database file 0600 in a 0700 folder unless it exists.</summary>
    public static void CreateSqliteDatabase(string path)
    {
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (System.IO.File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            return; // another process created it first, and set the mode
        }
        // Switch it to WAL now: EF Core checks that a database exists with a read-only connection, and
        // SqliteConnectionSetup's PRAGMA journal_mode=WAL cannot write an empty file through one.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
