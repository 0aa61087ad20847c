using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Reading;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// evidence.xlsx for people: Summary (filters, exporter, time, counts, checkpoint, verification
/// result), Events, Prompt changes (versions with approvals, rejections and publications), Access
/// and Integrity (sequence, leaf hash, proof). Every sheet is streamed (<see cref="SheetWriter"/>):
/// Events, Access and Integrity grow with the pack. Values come from the entries' own envelopes and
/// contents; ledger text is only ever a literal string cell.
/// </summary>
internal sealed class EvidenceWorkbook : IDisposable
{
    private readonly string _folder;
    private readonly SheetWriter _events;
    private readonly SheetWriter _prompts;
    private readonly SheetWriter _access;
    private readonly SheetWriter _integrity;

    public EvidenceWorkbook(string folder)
    {
        _folder = folder;
        _events = new SheetWriter(folder, "Events",
        [
            new("Sequence", 10), new("Occurred (UTC)", 20), new("Recorded (UTC)", 20), new("Type", 24), new("Event id", 28),
            new("Actor", 28), new("Actor kind", 10), new("Submitted by", 20), new("Application", 18), new("Model", 18), new("Provider", 14),
            new("Prompt", 20), new("Prompt version", 9), new("Status", 9), new("Input", 60), new("Output", 60), new("Content", 13),
            new("Attributes", 40), new("In pack because", 26),
        ]);
        _prompts = new SheetWriter(folder, "Prompt changes",
        [
            new("Sequence", 10), new("Occurred (UTC)", 20), new("Prompt", 20), new("Version", 9), new("Change", 12), new("By", 28),
            new("Parent version", 9), new("Change note", 40), new("Comment", 40), new("Template", 80), new("Content", 13),
        ]);
        _access = new SheetWriter(folder, "Access",
        [
            new("Sequence", 10), new("Occurred (UTC)", 20), new("Reader", 28), new("Reader kind", 10), new("Action", 18), new("Via", 10),
            new("What", 80), new("Details", 60),
        ]);
        _integrity = new SheetWriter(folder, "Integrity",
        [
            new("Sequence", 10), new("Leaf hash (SHA-256 of 0x00 ‖ envelope)", 68), new("Inclusion proof", 30), new("Content commitment", 75),
            new("Content check", 24),
        ]);
    }

    /// <param name="purgedBy">The tombstone under which a purged content went (null: not purged, or no tombstone covers it).</param>
    public void Add(PackRow row, long treeSize, RetentionTombstone? purgedBy)
    {
        JsonObject? envelope;
        try { envelope = JsonNode.Parse(row.Envelope) as JsonObject; }
        catch (JsonException) { envelope = null; }
        var content = ReadContent(row);
        var purged = purgedBy is null
            ? "purged, and no retention tombstone covers it"
            : purgedBy.Purged();
        var contentState = !row.ContentRequested ? "not exported" : row.ContentPurged ? purged : "disclosed";
        var facts = row.Facts;

        _events.BeginRow();
        _events.Number(row.Sequence);
        _events.Date(facts.OccurredAtUtc);
        _events.Date(facts.RecordedAtUtc);
        _events.Text(facts.Type);
        _events.Text(facts.Id);
        _events.Text(facts.ActorId);
        _events.Text(facts.ActorKind);
        _events.Text(EventPageFields.Text((envelope?["submittedBy"] as JsonObject)?["id"]));
        _events.Text(facts.Application);
        _events.Text(facts.Model);
        _events.Text(EventPageFields.Text(envelope?["provider"]));
        _events.Text(facts.PromptName);
        _events.Number(facts.PromptVersion);
        _events.Text(EventPageFields.Text(envelope?["status"]));
        _events.Text(content is null ? null : Messages(content.Input));
        _events.Text(content is null ? null : Output(content));
        _events.Text(contentState);
        _events.Text(Pairs(EventPageFields.FlatMap(envelope?["attributes"])));
        _events.Text(row.MatchesFilters ? "matches the filters" : $"history of {facts.PromptName} v{facts.PromptVersion}");
        _events.EndRow();

        if (PackSelection.LifecycleTypes.Contains(facts.Type))
        {
            _prompts.BeginRow();
            _prompts.Number(row.Sequence);
            _prompts.Date(facts.OccurredAtUtc);
            _prompts.Text(facts.PromptName);
            _prompts.Number(facts.PromptVersion);
            _prompts.Text(facts.Type switch
            {
                EventTypes.PromptCreated => "created",
                EventTypes.PromptApproved => "approved",
                EventTypes.PromptRejected => "rejected",
                _ => "published",
            });
            _prompts.Text(facts.ActorId);
            _prompts.Number(EventPageFields.Integer((envelope?["prompt"] as JsonObject)?["parentVersion"]));
            _prompts.Text(content?.ChangeNote);
            _prompts.Text(content?.Comment);
            _prompts.Text(content?.Template);
            _prompts.Text(contentState);
            _prompts.EndRow();
        }

        if (facts.Type == EventTypes.Access)
        {
            var attributes = envelope?["attributes"] as JsonObject;
            var details = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in attributes ?? [])
                if (key != "action" && value is JsonValue v) details[key] = v.ToString();
            var action = EventPageFields.Text(attributes?["action"]) ?? "";
            _access.BeginRow();
            _access.Number(row.Sequence);
            _access.Date(facts.OccurredAtUtc);
            _access.Text(facts.ActorId);
            _access.Text(facts.ActorKind);
            _access.Text(action);
            _access.Text(details.GetValueOrDefault("via"));
            _access.Text(string.Concat(AccessDescription.Describe(action, details).Select(p => p.Text)));
            _access.Text(Pairs(details.Where(d => d.Key != "via")));
            _access.EndRow();
        }

        _integrity.BeginRow();
        _integrity.Number(row.Sequence);
        _integrity.Text(Convert.ToHexStringLower(row.LeafHash));
        _integrity.Text($"verified at tree size {treeSize.ToString(CultureInfo.InvariantCulture)}");
        _integrity.Text(EventPageFields.Text(envelope?["content"]));
        _integrity.Text(!row.ContentRequested ? "content not exported" : row.ContentPurged ? "content " + purged : "matches the disclosed content");
        _integrity.EndRow();
    }

    private static EventPageContent? ReadContent(PackRow row) =>
        row.Content is { } content ? EventPageContent.Read(Encoding.UTF8.GetString(content.Content)) : null;

    private static string? Messages(IReadOnlyList<ChatMessage> messages) =>
        messages.Count == 0 ? null : string.Join("\n\n", messages.Select(m => $"{m.Role}{(m.Name is null ? "" : $" ({m.Name})")}: {m.Text}"));

    private static string? Output(EventPageContent content)
    {
        var output = Messages(content.Output);
        return content.Error is null ? output : string.Join("\n\n", new[] { output, $"error: {content.Error}" }.Where(t => t is not null));
    }

    private static string? Pairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = string.Join("; ", pairs.Select(p => $"{p.Key} = {p.Value}"));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Writes the Summary sheet and the workbook; the summary comes first among the sheets.</summary>
    public void Write(string path, IReadOnlyList<KeyValuePair<string, string>> summary)
    {
        using var sheet = new SheetWriter(_folder, "Summary", [new("Item", 30), new("Value", 110)]);
        foreach (var (item, value) in summary)
        {
            sheet.BeginRow();
            sheet.Text(item);
            sheet.Text(value);
            sheet.EndRow();
        }
        IReadOnlyList<SheetWriter> sheets = [sheet, _events, _prompts, _access, _integrity];
        foreach (var s in sheets) s.Complete();
        XlsxPackage.Write(path, sheets);
    }

    public void Dispose()
    {
        _events.Dispose();
        _prompts.Dispose();
        _access.Dispose();
        _integrity.Dispose();
    }
}
