namespace AuditPortal.Features.Evidence;

/// <summary>Where a background export stands. Done, Failed and Cancelled are final.</summary>
public enum EvidenceJobStatus { Queued, Running, Done, Failed, Cancelled }

/// <summary>
/// One background export as the page shows it and as its JSON record beside the pack keeps it (so the
/// list survives a reload, a new sign-in and a restart). Immutable: every change is a new snapshot, so
/// a page can read one while the export moves on.
/// </summary>
public sealed record EvidenceJob
{
    public required string Id { get; init; }
    /// <summary>Who asked for the pack: the only person besides an Admin who may download or cancel it.</summary>
    public required string ExporterId { get; init; }
    public required string ExporterKind { get; init; }
    /// <summary>The filters under the query names of <c>GET /api/v1/events</c>, as the access event records them.</summary>
    public required IReadOnlyDictionary<string, string> Filters { get; init; }
    public required bool IncludeContent { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public EvidenceJobStatus Status { get; init; } = EvidenceJobStatus.Queued;
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Why it failed, or who cancelled it.</summary>
    public string? Reason { get; init; }
    /// <summary>Who asked for a running export to stop; it stops at the exporter's next check.</summary>
    public string? CancelRequestedBy { get; init; }
    public EvidenceProgress? Progress { get; init; }
    public EvidencePackResult? Result { get; init; }

    public bool Finished => Status is EvidenceJobStatus.Done or EvidenceJobStatus.Failed or EvidenceJobStatus.Cancelled;

    /// <summary>The name the browser saves the pack under: <c>evidence-&lt;utc&gt;.zip</c>, the time the export was asked for.</summary>
    public string DownloadName => $"evidence-{CreatedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.zip";
}
