using System.Globalization;
using AuditPortal.Cli;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// `evidence export --out FILE [filters] [--no-content]`: the same pack as the /evidence page, for the
/// same filters as GET /api/v1/events (parsed by <see cref="EventQueryParser"/>), recorded as an access
/// event attributed to the operator (cli:&lt;OS user&gt;). The pack's path goes to standard output, the
/// counts to standard error.
/// </summary>
public static class EvidenceExportCommand
{
    private static readonly string[] FilterNames = ["actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q"];

    public const string Usage = """
        usage: evidence export --out FILE [--actor A] [--type T] [--application X] [--model M] [--prompt P]
                               [--promptVersion V] [--from TIME] [--to TIME] [--q TEXT] [--no-content]
          Writes an evidence pack (a zip; see docs/evidence.md) of the events the filters select — the filters of
          GET /api/v1/events; none selects every event — plus the history of the prompt versions they used.
          --no-content leaves the contents (messages, templates, comments) out. Times are RFC 3339 with an offset.
          Recorded as an access event by cli:<OS user>. Check the pack with verify-pack.
        """;

    /// <summary>Parses the verb's arguments; null with the exit code already decided (usage, --help, bad filters).</summary>
    public static (EvidenceRequest Request, string Out)? Parse(CommandArguments arguments, out int exitCode)
    {
        exitCode = 2;
        if (arguments.Options("help").Count > 0)
        {
            Console.Error.WriteLine(Usage);
            exitCode = 0;
            return null;
        }
        if (arguments.Positionals is not ["export"] || arguments.Unknown([.. FilterNames, "out", "no-content"]).Any())
        {
            Console.Error.WriteLine(Usage);
            return null;
        }
        var outputs = arguments.Options("out");
        if (outputs.Count != 1 || outputs[0].Length == 0)
        {
            Console.Error.WriteLine("error: --out FILE is required (once), e.g. evidence export --out evidence.zip --application support-bot");
            return null;
        }
        var noContent = arguments.Options("no-content");
        if (noContent.Any(v => v.Length > 0))
        {
            Console.Error.WriteLine("error: --no-content takes no value");
            return null;
        }

        var errors = new FieldErrors();
        var parameters = FilterNames.Where(n => arguments.Options(n).Count > 0)
            .Select(n => new KeyValuePair<string, StringValues>(n, new StringValues([.. arguments.Options(n)])));
        var filters = EventQueryParser.Parse(parameters, errors);
        if (errors.Any)
        {
            foreach (var (name, messages) in errors.ToDictionary())
                foreach (var message in messages) Console.Error.WriteLine($"error: --{name} {message}");
            return null;
        }
        exitCode = 0;
        return (new EvidenceRequest(filters, IncludeContent: noContent.Count == 0), outputs[0]);
    }

    public static async Task<int> RunAsync(IServiceProvider services, EvidenceRequest request, string output, CancellationToken cancellationToken)
    {
        if (File.Exists(output))
        {
            Console.Error.WriteLine($"error: {output} exists already; an export never overwrites a pack.");
            return 2;
        }
        try
        {
            var result = await services.GetRequiredService<EvidenceExporter>()
                .ExportAsync(request, PortalCommandLine.OperatorActor(), "cli", output, null, cancellationToken);
            var c = result.Counts;
            Console.Out.WriteLine(Path.GetFullPath(output));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {result.FileName} ({result.Bytes:N0} bytes): {c.Events:N0} events, of which {c.PromptChanges:N0} prompt changes and " +
                $"{c.AccessEvents:N0} access events; {c.Contents:N0} contents disclosed, {c.PurgedContents:N0} purged. " +
                $"Manifest SHA-256 {result.ManifestSha256}."));
            return 0;
        }
        catch (EvidenceExportException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
