using System.Text.RegularExpressions;

namespace AuditPortal.Tests.Architecture;

/// <summary>
/// The portal project's source files (C# and Razor) as the architecture tests read them: where each
/// lives (a feature folder, a composition root or a shared folder) and which features it names.
/// </summary>
public sealed partial class PortalSources
{
    /// <summary>The files that put features together, and so may name every feature (docs/architecture.md).</summary>
    public static readonly IReadOnlyList<string> CompositionRoots =
    [
        "Program.cs", "PortalComposition.cs", "LedgerReadingServiceCollectionExtensions.cs",
        "Components/DashboardComposition.cs", "Cli/",
    ];

    private PortalSources(string projectDirectory, IReadOnlyList<SourceFile> files)
    {
        ProjectDirectory = projectDirectory;
        Files = files;
    }

    public string ProjectDirectory { get; }
    public IReadOnlyList<SourceFile> Files { get; }

    public IEnumerable<string> Features => Files.Select(f => f.Feature).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>Reads AuditPortal/ of the repository the tests were built from (found above the test binaries).</summary>
    public static PortalSources Read()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AuditPortal.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var project = Path.Combine(root.FullName, "AuditPortal");
        var files = Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".razor", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(project, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => new SourceFile(relative, File.ReadAllLines(Path.Combine(project, relative))))
            .ToList();
        return new PortalSources(project, files);
    }

    /// <summary>Every mention of a feature namespace in a file: <c>using AuditPortal.Features.Events;</c>, <c>Features.Events.EventQuery</c>, <c>@using …</c>.</summary>
    public static IEnumerable<(int Line, string Feature)> FeatureMentions(SourceFile file) =>
        file.Lines.SelectMany((text, index) => FeatureNamespace().Matches(text).Select(m => (index + 1, m.Groups[1].Value)));

    [GeneratedRegex(@"\bFeatures\.([A-Z][A-Za-z0-9_]*)")]
    private static partial Regex FeatureNamespace();
}

public sealed record SourceFile(string Path, string[] Lines)
{
    /// <summary>The feature folder the file lives in (Features/X/…), or null outside Features.</summary>
    public string? Feature => Path.StartsWith("Features/", StringComparison.Ordinal) ? Path.Split('/')[1] : null;

    public bool IsCompositionRoot => PortalSources.CompositionRoots.Any(root =>
        root.EndsWith('/') ? Path.StartsWith(root, StringComparison.Ordinal) : Path == root);
}
