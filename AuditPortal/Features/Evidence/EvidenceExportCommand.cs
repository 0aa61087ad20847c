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
    /// <summary>The filters of GET /api/v1/events, as options of the same names.</summary>
    public static readonly IReadOnlyList<string> FilterNames = ["actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q"];

    public const string Description = """
        Write an evidence pack (a zip; see docs/evidence.md) of the events the filters select — the filters of
        GET /api/v1/events; none selects every event — plus the history of the prompt versions they used.
        Times are RFC 3339 with an offset. Recorded as an access event by cli:<OS user>. Check the pack with verify-pack.
        """;

    /// <summary>Checks the filters as the API does; null (the errors named on standard error) when they do not parse.</summary>
    public static (EvidenceRequest Request, string Out)? Parse(string output, bool noContent, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        if (output.Length == 0)
        {
            Console.Error.WriteLine("error: --out FILE is required, e.g. evidence export --out evidence.zip --application support-bot");
            return null;
        }
        var errors = new FieldErrors();
        var filters = EventQueryParser.Parse(parameters, errors);
        if (errors.Any)
        {
            foreach (var (name, messages) in errors.ToDictionary())
                foreach (var message in messages) Console.Error.WriteLine($"error: --{name} {message}");
            return null;
        }
        return (new EvidenceRequest(filters, IncludeContent: !noContent), output);
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
