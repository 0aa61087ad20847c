using System.Reflection;

namespace AuditPortal.Tests.Architecture;

/// <summary>
/// Issue 7 §3: no feature folder depends on another, and the shared folders (Ledger, Reading, Security,
/// Infrastructure, …) depend on none. Only the composition roots put features together. A page may still
/// link to another feature's route by its URL; that is not a reference to its code.
/// </summary>
public sealed class FeatureIndependenceTests
{
    private static readonly PortalSources Sources = PortalSources.Read();

    [Fact]
    public void The_scan_sees_the_portal_s_feature_folders_and_shared_folders()
    {
        // Guards the other tests against passing because they read nothing.
        Assert.Contains("Events", Sources.Features);
        Assert.Contains("Prompts", Sources.Features);
        Assert.Contains(Sources.Files, f => f.Path == "PortalComposition.cs" && f.IsCompositionRoot);
        Assert.Contains(Sources.Files, f => f.Path.StartsWith("Ledger/", StringComparison.Ordinal) && !f.IsCompositionRoot);
        Assert.True(Sources.Files.Count(f => f.Feature is not null) > 50, $"only {Sources.Files.Count} files under {Sources.ProjectDirectory}");
    }

    [Fact]
    public void No_feature_folder_names_another_feature()
    {
        var violations = Sources.Files.Where(f => f.Feature is not null)
            .SelectMany(f => PortalSources.FeatureMentions(f).Where(m => m.Feature != f.Feature)
                .Select(m => $"Features/{f.Path["Features/".Length..]}:{m.Line} names AuditPortal.Features.{m.Feature}"))
            .ToList();
        Assert.True(violations.Count == 0,
            "A feature may use the shared folders (Ledger, Reading, Security, Infrastructure, …) but no other feature:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Shared_folders_name_no_feature()
    {
        var violations = Sources.Files.Where(f => f.Feature is null && !f.IsCompositionRoot)
            .SelectMany(f => PortalSources.FeatureMentions(f).Select(m => $"{f.Path}:{m.Line} names AuditPortal.Features.{m.Feature}"))
            .ToList();
        Assert.True(violations.Count == 0,
            "Only the composition roots (" + string.Join(", ", PortalSources.CompositionRoots) + ") may name features:\n" + string.Join('\n', violations));
    }

    /// <summary>
    /// The compiled view of the same rule, which no spelling escapes (a partly qualified name, an alias):
    /// no type of one feature — including the closures and state machines of its methods — has a field,
    /// property, constructor or method whose type belongs to another feature, and no shared type has one
    /// that belongs to any feature.
    /// </summary>
    [Fact]
    public void No_compiled_type_uses_another_feature_s_types_in_its_members()
    {
        const string prefix = "AuditPortal.Features.";
        static string? FeatureOf(Type type) =>
            type.Namespace is { } ns && ns.StartsWith(prefix, StringComparison.Ordinal) ? ns[prefix.Length..].Split('.')[0] : null;

        var composition = new HashSet<string>(StringComparer.Ordinal)
        {
            "AuditPortal.PortalComposition", "AuditPortal.LedgerReadingServiceCollectionExtensions",
            "AuditPortal.Components.DashboardComposition", "Program", "AuditPortalEntryPoint",
        };
        var assembly = typeof(PortalComposition).Assembly;
        var violations = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null) outer = outer.DeclaringType;
            if (composition.Contains(outer.FullName ?? "") || outer.Namespace?.StartsWith("AuditPortal.Cli", StringComparison.Ordinal) == true) continue;
            var owner = FeatureOf(outer);
            foreach (var (member, used) in UsedTypes(type))
            {
                var feature = FeatureOf(used);
                if (feature is not null && feature != owner) violations.Add($"{type.FullName}.{member} uses {used.FullName}");
            }
        }
        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static IEnumerable<(string Member, Type Used)> UsedTypes(Type type)
    {
        var direct = new List<(string, Type?)> { ("(base)", type.BaseType) };
        direct.AddRange(type.GetInterfaces().Select(i => ("(interface)", (Type?)i)));
        direct.AddRange(type.GetFields(Declared).Select(f => (f.Name, (Type?)f.FieldType)));
        direct.AddRange(type.GetProperties(Declared).Select(p => (p.Name, (Type?)p.PropertyType)));
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) direct.Add((method.Name, info.ReturnType));
            direct.AddRange(method.GetParameters().Select(p => (method.Name, (Type?)p.ParameterType)));
        }
        return direct.Where(d => d.Item2 is not null).SelectMany(d => Expand(d.Item2!).Select(t => (d.Item1, t)));
    }

    /// <summary>A type with its element type and generic arguments: <c>Task&lt;List&lt;EventQuery&gt;&gt;</c> uses EventQuery.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var inner in Expand(type.GetElementType()!)) yield return inner;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand)) yield return inner;
    }
}
