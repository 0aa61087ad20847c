using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Projections;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Prompts;

/// <summary>
/// The prompt registry as seen inside one append transaction, loaded under the append lock so the
/// rules below cannot race another instance. The rules decide on what the ledger says, not on
/// prompt_versions (a table a DBA can edit): the lifecycle of every prompt a pending event creates,
/// decides on or publishes is replayed from its envelopes. Changes are written back to prompt_versions,
/// the read model, in the same transaction.
/// </summary>
public sealed class PromptRegistry : IAppendRuleScope
{
    private readonly LedgerDbContext _db;
    private readonly Dictionary<(string Name, int Version), PromptVersion> _versions;
    private readonly Dictionary<(string Name, int Version), PromptVersion> _rows;

    private PromptRegistry(LedgerDbContext db, Dictionary<(string, int), PromptVersion> versions, Dictionary<(string, int), PromptVersion> rows)
    {
        _db = db;
        _versions = versions;
        _rows = rows;
    }

    public static async Task<PromptRegistry> LoadAsync(LedgerDbContext db, IReadOnlyList<IncomingEvent> incoming, CancellationToken cancellationToken)
    {
        var lifecycle = incoming.Where(e => e.Prompt is not null && LedgerEventTypes.PromptLifecycle.Contains(e.Draft.Type))
            .Select(e => e.Prompt!.Name).Distinct(StringComparer.Ordinal).ToList();
        var referenced = incoming.Where(e => e.Prompt is not null).Select(e => e.Prompt!.Name)
            .Except(lifecycle, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToList();

        var versions = new Dictionary<(string, int), PromptVersion>();
        var rows = new Dictionary<(string, int), PromptVersion>();
        if (lifecycle.Count > 0)
        {
            // Lifecycle events are few (people write and approve prompts), so they are found through the
            // type index. Filtering on prompt_name in SQL would make SQLite walk the name index instead,
            // through every call that ever used the prompt, while the append lock is held.
            var candidates = await db.Entries.AsNoTracking()
                .Where(e => LedgerEventTypes.PromptLifecycle.Contains(e.Type))
                .Select(e => new { e.Sequence, e.PromptName }).ToListAsync(cancellationToken);
            var sequences = candidates.Where(c => c.PromptName is { } name && lifecycle.Contains(name)).Select(c => c.Sequence).ToList();
            var envelopes = sequences.Count == 0 ? [] : await db.Entries.AsNoTracking()
                .Where(e => sequences.Contains(e.Sequence))
                .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(cancellationToken);
            var history = PromptHistory.Replay(envelopes.Select(e => ProjectedEvent.TryRead(e))
                .OfType<ProjectedEvent>().Where(e => e.PromptName is { } name && lifecycle.Contains(name)));
            foreach (var (key, version) in history.Versions) versions[key] = version;
            // Tracked, so that the read model is written back with the ledger's state of what changes.
            foreach (var row in await db.PromptVersions.Where(p => lifecycle.Contains(p.Name)).ToListAsync(cancellationToken))
                rows[(row.Name, row.Version)] = row;
        }
        foreach (var version in await ConfirmedVersionsAsync(db, referenced, cancellationToken)) versions[(version.Name, version.Version)] = version;
        return new PromptRegistry(db, versions, rows);
    }

    /// <summary>
    /// Calls only need their prompt version to exist. Replaying every prompt a call names would hold the
    /// append lock for each batch of calls, so the read model is used as an index and each version is
    /// confirmed by its prompt.version.created envelope (one primary-key read per version).
    /// </summary>
    private static async Task<List<PromptVersion>> ConfirmedVersionsAsync(LedgerDbContext db, List<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0) return [];
        var candidates = await db.PromptVersions.AsNoTracking().Where(p => names.Contains(p.Name)).ToListAsync(cancellationToken);
        var sequences = candidates.Select(c => c.CreatedSequence).Distinct().ToList();
        var envelopes = await db.Entries.AsNoTracking().Where(e => sequences.Contains(e.Sequence)).Select(e => e.Envelope).ToListAsync(cancellationToken);
        var created = envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>()
            .Where(e => e.Type == LedgerEventTypes.PromptCreated)
            .Select(e => (e.PromptName, e.PromptVersion, e.Sequence)).ToHashSet();
        return [.. candidates.Where(c => created.Contains((c.Name, c.Version, c.CreatedSequence)))];
    }

    /// <summary>A scratch view for one request: its rules see its own earlier events, and nothing sticks unless it is committed.</summary>
    public IAppendRuleStage Stage() => new PromptStage(this);

    internal PromptVersion? Find(string name, int version) => _versions.GetValueOrDefault((name, version));

    internal int Latest(string name) => _versions.Keys.Where(k => k.Name == name).Select(k => k.Version).DefaultIfEmpty(0).Max();

    internal void Commit(IEnumerable<PromptVersion> changed)
    {
        foreach (var version in changed)
        {
            var key = (version.Name, version.Version);
            _versions[key] = version;
            if (_rows.TryGetValue(key, out var row))
            {
                PromptHistory.CopyTo(version, row);
            }
            else
            {
                var added = PromptHistory.Clone(version);
                _rows[key] = added;
                _db.PromptVersions.Add(added);
            }
        }
    }
}

/// <summary>Applies the prompt rules of DESIGN.md §4 to one request's events, in order.</summary>
public sealed class PromptStage(PromptRegistry registry) : IAppendRuleStage
{
    private readonly Dictionary<(string, int), PromptVersion> _changed = [];
    private readonly List<(string EventId, Action<long> Assign)> _assignments = [];

    /// <summary>Checks one event; on success its effect is visible to the request's later events.</summary>
    public void Check(IncomingEvent incoming, FieldErrors invalid, FieldErrors conflicts)
    {
        if (incoming.Prompt is not { } prompt) return;
        var draft = incoming.Draft;
        var versionPath = $"{incoming.Path}.prompt.version";
        var current = Find(prompt.Name, prompt.Version);

        switch (draft.Type)
        {
            case EventTypes.PromptCreated:
            {
                var latest = Latest(prompt.Name);
                if (prompt.Version <= latest)
                {
                    conflicts.Add(versionPath, $"prompt \"{prompt.Name}\" already has version {prompt.Version}");
                    return;
                }
                if (prompt.Version != latest + 1)
                {
                    invalid.Add(versionPath, $"prompt \"{prompt.Name}\" is at version {latest}; the next version must be {latest + 1}");
                    return;
                }
                if (prompt.ParentVersion is { } parent && Find(prompt.Name, parent) is null)
                {
                    invalid.Add($"{incoming.Path}.prompt.parentVersion", $"prompt \"{prompt.Name}\" has no version {parent}");
                    return;
                }
                var created = new PromptVersion
                {
                    Name = prompt.Name,
                    Version = prompt.Version,
                    ParentVersion = prompt.ParentVersion,
                    AuthorId = draft.Actor.Id,
                    Status = PromptStatus.Draft,
                };
                _changed[(prompt.Name, prompt.Version)] = created;
                _assignments.Add((draft.EventId, sequence => created.CreatedSequence = sequence));
                return;
            }
            case EventTypes.PromptApproved or EventTypes.PromptRejected:
            {
                if (current is null) { invalid.Add(versionPath, $"prompt \"{prompt.Name}\" has no version {prompt.Version}"); return; }
                if (current.Status == PromptStatus.Published)
                {
                    conflicts.Add(versionPath, $"prompt \"{prompt.Name}\" version {prompt.Version} is already published; decisions on it are closed");
                    return;
                }
                var approving = draft.Type == EventTypes.PromptApproved;
                if (approving && string.Equals(current.AuthorId, draft.Actor.Id, StringComparison.Ordinal))
                {
                    conflicts.Add($"{incoming.Path}.actor.id",
                        $"\"{draft.Actor.Id}\" wrote prompt \"{prompt.Name}\" version {prompt.Version} and cannot approve it; a second person must (four-eyes rule)");
                    return;
                }
                var decided = Copy(current);
                decided.Status = approving ? PromptStatus.Approved : PromptStatus.Rejected;
                decided.DecidedBy = draft.Actor.Id;
                _assignments.Add((draft.EventId, sequence => decided.DecidedSequence = sequence));
                return;
            }
            case EventTypes.PromptPublished:
            {
                if (current is null) { invalid.Add(versionPath, $"prompt \"{prompt.Name}\" has no version {prompt.Version}"); return; }
                if (current.Status != PromptStatus.Approved)
                {
                    conflicts.Add(versionPath, current.Status == PromptStatus.Published
                        ? $"prompt \"{prompt.Name}\" version {prompt.Version} is already published"
                        : $"prompt \"{prompt.Name}\" version {prompt.Version} is not approved (it is {current.Status}); only approved versions can be published");
                    return;
                }
                var published = Copy(current);
                published.Status = PromptStatus.Published;
                _assignments.Add((draft.EventId, sequence => published.PublishedSequence = sequence));
                return;
            }
            default:
                if (current is null)
                    invalid.Add(versionPath, $"prompt \"{prompt.Name}\" has no version {prompt.Version}; register it with prompt.version.created first");
                return;
        }
    }

    /// <summary>Records the sequences the request's events received and makes its changes part of the transaction.</summary>
    public void Commit(IReadOnlyDictionary<string, long> sequences)
    {
        foreach (var (eventId, assign) in _assignments) assign(sequences[eventId]);
        registry.Commit(_changed.Values);
    }

    private PromptVersion? Find(string name, int version) =>
        _changed.TryGetValue((name, version), out var staged) ? staged : registry.Find(name, version);

    private int Latest(string name) =>
        Math.Max(registry.Latest(name), _changed.Keys.Where(k => k.Item1 == name).Select(k => k.Item2).DefaultIfEmpty(0).Max());

    private PromptVersion Copy(PromptVersion source)
    {
        if (_changed.TryGetValue((source.Name, source.Version), out var staged)) return staged;
        var copy = PromptHistory.Clone(source);
        _changed[(source.Name, source.Version)] = copy;
        return copy;
    }
}
