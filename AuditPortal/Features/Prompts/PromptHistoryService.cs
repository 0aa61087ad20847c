using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Prompts;

/// <summary>
/// Every version of a prompt, replayed from the ledger's own envelopes and contents rather than from
/// the prompt_versions projection (which a DBA could edit): who wrote each version and when, its
/// template and change note, every approval and rejection with who, when and why, and its
/// publication. Reading it is an access event.
/// </summary>
public sealed class PromptHistoryService(IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, IntegrityAlerts alerts)
{
    private static readonly string[] PromptTypes =
        [EventTypes.PromptCreated, EventTypes.PromptApproved, EventTypes.PromptRejected, EventTypes.PromptPublished];

    /// <returns>The history, with no versions when the ledger has no prompt of that name.</returns>
    public async Task<PromptHistoryReport> ReadAsync(string name, ActorRef reader, string via, CancellationToken cancellationToken)
    {
        var versions = await VersionsAsync(name, "prompts.history", cancellationToken);
        await access.RecordAsync(reader, "prompts.history", new Dictionary<string, string> { ["prompt"] = name, ["via"] = via }, cancellationToken);
        return new PromptHistoryReport(name, versions);
    }

    /// <summary>
    /// Two versions of a prompt and the line and word differences between their templates, replayed
    /// like <see cref="ReadAsync"/>. A diff that can be shown is recorded as a <c>prompts.diff</c>
    /// access event (name, from, to) before it is returned; one that cannot (a version the prompt
    /// does not have) shows nothing and is not recorded.
    /// </summary>
    public async Task<PromptDiffReport> DiffAsync(string name, int from, int to, ActorRef reader, string via, CancellationToken cancellationToken)
    {
        var versions = await VersionsAsync(name, "prompts.diff", cancellationToken);
        var missing = new[] { from, to }.Distinct().Where(v => versions.All(h => h.Version != v)).ToList();
        if (missing.Count > 0) return PromptDiffReport.Missing(name, versions.Count, missing);
        await access.RecordAsync(reader, "prompts.diff",
            new Dictionary<string, string> { ["prompt"] = name, ["from"] = $"{from}", ["to"] = $"{to}", ["via"] = via }, cancellationToken);
        var older = versions.Single(v => v.Version == from);
        var newer = versions.Single(v => v.Version == to);
        return new PromptDiffReport(name, older, newer, PromptTextDiff.Compare(older.Template ?? "", newer.Template ?? ""), []);
    }

    private async Task<List<PromptVersionHistory>> VersionsAsync(string name, string read, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await (
                from entry in db.Entries.AsNoTracking()
                where entry.PromptName == name && PromptTypes.Contains(entry.Type)
                join content in db.Contents.AsNoTracking() on entry.Sequence equals content.Sequence into contents
                from content in contents.DefaultIfEmpty()
                select new { entry.Sequence, entry.Envelope, Content = content == null ? null : content.Content })
            .ToListAsync(cancellationToken);
        return Replay(name, rows.Select(r => (r.Sequence, r.Envelope, (byte[]?)r.Content)), read);
    }

    /// <summary>
    /// Every prompt the ledger has, for the prompts page: versions, the latest one's status and author,
    /// and the published version, replayed like <see cref="ReadAsync"/> (without templates, which the
    /// list does not show).
    /// </summary>
    public async Task<IReadOnlyList<PromptSummary>> ListAsync(ActorRef reader, string via, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Entries.AsNoTracking().Where(e => PromptTypes.Contains(e.Type) && e.PromptName != null)
            .Select(e => new { e.Sequence, e.Envelope, e.PromptName }).ToListAsync(cancellationToken);
        await access.RecordAsync(reader, "prompts.list", new Dictionary<string, string> { ["via"] = via }, cancellationToken);
        return
        [
            .. rows.GroupBy(r => r.PromptName!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Name: g.Key, Versions: Replay(g.Key, g.Select(r => (r.Sequence, r.Envelope, (byte[]?)null)), "prompts.list")))
                .Where(p => p.Versions.Count > 0)
                .Select(p => new PromptSummary(p.Name, p.Versions.Count, p.Versions[^1].Version, p.Versions[^1].Status, p.Versions[^1].AuthorId,
                    p.Versions.LastOrDefault(v => v.Status == PromptStatus.Published)?.Version)),
        ];
    }

    /// <summary>The versions of one prompt from its events in ledger order; a row whose envelope is not such an event is left out and raised.</summary>
    private List<PromptVersionHistory> Replay(string name, IEnumerable<(long Sequence, byte[] Envelope, byte[]? Content)> rows, string read)
    {
        var versions = new SortedDictionary<int, VersionBuilder>();
        foreach (var row in rows.OrderBy(r => r.Sequence))
        {
            // The copy columns found the rows; each envelope has to say the same, or it is left out.
            var facts = EnvelopeFacts.TryRead(row.Envelope);
            if (facts is null || facts.Sequence != row.Sequence || facts.PromptName != name || facts.PromptVersion is not { } number
                || !PromptTypes.Contains(facts.Type))
            {
                alerts.Raise(row.Sequence, "prompt", read);
                continue;
            }
            var content = row.Content is null ? null : JsonNode.Parse(row.Content) as JsonObject;
            var step = new PromptStep(row.Sequence, facts.ActorId, facts.ActorDisplayName, facts.OccurredAtUtc, (string?)content?["comment"]);
            if (facts.Type == EventTypes.PromptCreated)
            {
                versions[number] = new VersionBuilder(number, ParentVersion(row.Envelope), step, (string?)content?["template"],
                    (string?)content?["changeNote"], row.Content is null);
                continue;
            }
            // The ledger accepted decisions only on a created version; one without is a gap verify names.
            if (!versions.TryGetValue(number, out var version)) continue;
            if (facts.Type == EventTypes.PromptPublished) version.Publication = step;
            else version.Decisions.Add(new PromptDecision(facts.Type == EventTypes.PromptApproved, step));
        }
        return [.. versions.Values.Select(v => v.Build())];
    }

    private static int? ParentVersion(byte[] envelope) =>
        JsonNode.Parse(envelope)?["prompt"]?["parentVersion"] is JsonValue parent && parent.TryGetValue<int>(out var value) ? value : null;

    private sealed class VersionBuilder(int number, int? parent, PromptStep created, string? template, string? changeNote, bool purged)
    {
        public List<PromptDecision> Decisions { get; } = [];
        public PromptStep? Publication { get; set; }

        public PromptVersionHistory Build()
        {
            var status = Publication is not null ? PromptStatus.Published
                : Decisions.Count == 0 ? PromptStatus.Draft
                : Decisions[^1].Approved ? PromptStatus.Approved : PromptStatus.Rejected;
            return new PromptVersionHistory(number, parent, created, template, changeNote, purged, Decisions, Publication, status);
        }
    }
}

public sealed record PromptHistoryReport(string Name, IReadOnlyList<PromptVersionHistory> Versions);

/// <param name="PublishedVersion">The latest published version, or null when none is.</param>
public sealed record PromptSummary(string Name, int Versions, int LatestVersion, PromptStatus LatestStatus, string LatestAuthorId, int? PublishedVersion);

/// <param name="Created">The prompt.version.created event: its actor is the author.</param>
/// <param name="Template">Null once retention purged the content (<paramref name="ContentPurged"/>).</param>
/// <param name="Status">As the ledger's decisions leave it: the last decision, or Published.</param>
public sealed record PromptVersionHistory(int Version, int? ParentVersion, PromptStep Created, string? Template, string? ChangeNote,
    bool ContentPurged, IReadOnlyList<PromptDecision> Decisions, PromptStep? Publication, PromptStatus Status)
{
    public string AuthorId => Created.ActorId;
    public DateTime CreatedAtUtc => Created.OccurredAtUtc;
}

/// <summary>An approval (<paramref name="Approved"/>) or a rejection.</summary>
public sealed record PromptDecision(bool Approved, PromptStep By);

/// <summary>One prompt event: who, when, and their comment (from the content; null when none or purged).</summary>
public sealed record PromptStep(long Sequence, string ActorId, string? ActorDisplayName, DateTime OccurredAtUtc, string? Comment);
