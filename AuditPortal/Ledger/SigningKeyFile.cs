using AuditPortal.Data.Ledger.Providers;

namespace AuditPortal.Ledger;

/// <summary>Writes the private key readable by its owner only (in a 0700 folder when it creates one), without a window where it is world-readable.</summary>
public static class SigningKeyFile
{
    public static void Write(string path, string privateKeyText)
    {
        OwnerOnlyFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(privateKeyText + "\n");
    }
}
