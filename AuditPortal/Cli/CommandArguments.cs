namespace AuditPortal.Cli;

/// <summary>
/// The verb's own arguments: positionals and "--option value" pairs. Configuration overrides such as
/// --AuditPortal:Database:Provider=Postgres are left to the configuration system.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    public CommandArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { Positionals.Add(arg); continue; }
            var name = arg[2..];
            if (name.Contains(':')) { if (!name.Contains('=')) i++; continue; }
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            else value = "";
            if (!_options.TryGetValue(name, out var values)) _options[name] = values = [];
            values.Add(value);
        }
    }

    public List<string> Positionals { get; } = [];

    public string? Option(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> Options(string name) => _options.TryGetValue(name, out var v) ? v : [];

    public IEnumerable<string> Unknown(params string[] known) => _options.Keys.Where(k => !known.Contains(k));
}
