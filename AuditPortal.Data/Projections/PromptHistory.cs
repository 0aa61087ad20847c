using AuditPortal.Data.Ledger.Model;

namespace AuditPortal.Data.Projections;

/// <summary>
/// The prompt registry as the ledger tells it: prompt lifecycle events folded, in ledger order, into
/// the state of each version. This is what prompt_versions must equal, and what the prompt rules decide on.
/// </summary>
public sealed class PromptHistory
{
    private readonly Dictionary<(string Name, int Version), PromptVersion> _versions = [];

    public IReadOnlyDictionary<(string Name, int Version), PromptVersion> Versions => _versions;

    public static PromptHistory Replay(IEnumerable<ProjectedEvent> eventsInLedgerOrder)
    {
        var history = new PromptHistory();
        foreach (var e in eventsInLedgerOrder) history.Apply(e);
        return history;
    }

    /// <summary>Applies one event. The rules were enforced when it was appended; replay only records its effect.</summary>
    public void Apply(ProjectedEvent e)
    {
        if (e is not { PromptName: { } name, PromptVersion: { } number }) return;
        var current = _versions.GetValueOrDefault((name, number));
        switch (e.Type)
        {
            case LedgerEventTypes.PromptCreated when current is null:
                _versions[(name, number)] = new PromptVersion
                {
                    Name = name,
                    Version = number,
                    ParentVersion = e.PromptParentVersion,
                    AuthorId = e.ActorId,
                    CreatedSequence = e.Sequence,
                    Status = PromptStatus.Draft,
                };
                break;
            case LedgerEventTypes.PromptApproved or LedgerEventTypes.PromptRejected when current is not null:
                current.Status = e.Type == LedgerEventTypes.PromptApproved ? PromptStatus.Approved : PromptStatus.Rejected;
                current.DecidedBy = e.ActorId;
                current.DecidedSequence = e.Sequence;
                break;
            case LedgerEventTypes.PromptPublished when current is not null:
                current.Status = PromptStatus.Published;
                current.PublishedSequence = e.Sequence;
                break;
        }
    }

    /// <summary>What differs between a stored row and the ledger's version of it, or null when they agree.</summary>
    public static string? Difference(PromptVersion row, PromptVersion ledger)
    {
        var differences = new List<string>();
        if (row.Status != ledger.Status) differences.Add($"status is {row.Status} but the ledger says {ledger.Status}");
        if (row.AuthorId != ledger.AuthorId) differences.Add($"author is \"{row.AuthorId}\" but the ledger says \"{ledger.AuthorId}\"");
        if (row.DecidedBy != ledger.DecidedBy)
            differences.Add($"decided_by is {Quote(row.DecidedBy)} but the ledger says {Quote(ledger.DecidedBy)}");
        if (row.ParentVersion != ledger.ParentVersion) differences.Add($"parent_version is {row.ParentVersion} but the ledger says {ledger.ParentVersion}");
        if (row.CreatedSequence != ledger.CreatedSequence) differences.Add($"created_sequence is {row.CreatedSequence} but the ledger says {ledger.CreatedSequence}");
        if (row.DecidedSequence != ledger.DecidedSequence) differences.Add($"decided_sequence is {row.DecidedSequence} but the ledger says {ledger.DecidedSequence}");
        if (row.PublishedSequence != ledger.PublishedSequence)
            differences.Add($"published_sequence is {row.PublishedSequence} but the ledger says {ledger.PublishedSequence}");
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    /// <summary>Copies the ledger's state onto a tracked row.</summary>
    public static void CopyTo(PromptVersion ledger, PromptVersion row)
    {
        row.ParentVersion = ledger.ParentVersion;
        row.AuthorId = ledger.AuthorId;
        row.CreatedSequence = ledger.CreatedSequence;
        row.Status = ledger.Status;
        row.DecidedBy = ledger.DecidedBy;
        row.DecidedSequence = ledger.DecidedSequence;
        row.PublishedSequence = ledger.PublishedSequence;
    }

    public static PromptVersion Clone(PromptVersion source)
    {
        var copy = new PromptVersion { Name = source.Name, Version = source.Version, AuthorId = source.AuthorId };
        CopyTo(source, copy);
        return copy;
    }

    private static string Quote(string? value) => value is null ? "empty" : $"\"{value}\"";
}
