using System.Globalization;

namespace AuditPortal.Data.Anchors;

/// <summary>
/// Checkpoints written outside the database (in production a WORM bucket under another
/// administrator). A database restored from an old copy, or truncated, is smaller than the largest
/// anchored checkpoint, which is how the verifier sees it.
/// </summary>
public sealed class AnchorDirectory(string path)
{
    private const string Prefix = "checkpoint-";
    private const string Suffix = ".txt";

    public string Path { get; } = path;

    public static string FileName(long treeSize) => $"{Prefix}{treeSize.ToString("D12", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>Writes a checkpoint once; an existing file for that size is left untouched (write-once).</summary>
    public async Task WriteAsync(long treeSize, string signedNote, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path);
        var target = System.IO.Path.Combine(Path, FileName(treeSize));
        if (File.Exists(target)) return;
        var temporary = target + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(signedNote.AsMemory(), cancellationToken);
        }
        File.Move(temporary, target, overwrite: false);
    }

    /// <summary>
    /// Every anchor file, in tree-size order. Read on every core: a portal writes one every 5 s while the
    /// log grows, and reading 100,000 of them one by one took 2.4 s of a 7.8 s verify (docs/benchmarks.md).
    /// </summary>
    public IReadOnlyList<AnchoredCheckpoint> ReadAll()
    {
        if (!Directory.Exists(Path)) return [];
        var files = Directory.EnumerateFiles(Path, Prefix + "*" + Suffix).Order(StringComparer.Ordinal)
            .Select(file => (File: file, Size: long.TryParse(System.IO.Path.GetFileName(file)[Prefix.Length..^Suffix.Length],
                NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : -1))
            .Where(f => f.Size >= 0)
            .ToList();
        var anchors = new AnchoredCheckpoint[files.Count];
        Parallel.For(0, files.Count, i => anchors[i] = new AnchoredCheckpoint(files[i].File, files[i].Size, File.ReadAllText(files[i].File)));
        return anchors;
    }

    /// <summary>The largest anchored size, from the file names alone (no file is read).</summary>
    public long? LargestTreeSize()
    {
        if (!Directory.Exists(Path)) return null;
        long? largest = null;
        foreach (var file in Directory.EnumerateFiles(Path, Prefix + "*" + Suffix))
        {
            var name = System.IO.Path.GetFileName(file);
            if (long.TryParse(name[Prefix.Length..^Suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && size > (largest ?? -1))
                largest = size;
        }
        return largest;
    }
}

public sealed record AnchoredCheckpoint(string File, long TreeSize, string Note);
