namespace AuditPortal.Data.Verification;

/// <summary>
/// The ledger_entries columns that copy (or, for search_text, derive from) the signed envelope so
/// that reads can filter on them. In table order: verify names the first that disagrees.
/// </summary>
internal enum CopyColumn
{
    EventId,
    Type,
    OccurredAt,
    RecordedAt,
    ActorId,
    ActorKind,
    SubmittedBy,
    Application,
    Model,
    Provider,
    PromptName,
    PromptVersion,
    SearchText,
}

internal static class CopyColumnNames
{
    private static readonly string[] Names =
    [
        "event_id", "type", "occurred_at", "recorded_at", "actor_id", "actor_kind", "submitted_by",
        "application", "model", "provider", "prompt_name", "prompt_version", "search_text",
    ];

    public static string Of(CopyColumn column) => Names[(int)column];

    /// <summary>The first column in table order whose bit is set.</summary>
    public static CopyColumn First(int mask) => (CopyColumn)System.Numerics.BitOperations.TrailingZeroCount(mask);
}

/// <summary>A stored time: ticks where the provider has a time type, the stored text on SQLite (which compares it as text).</summary>
internal readonly record struct StoredTime(long? Ticks, ReadOnlyMemory<byte>? Text);

/// <summary>The copy columns of one row, strings as UTF-8 in the chunk's arena.</summary>
/// <param name="WrongTypes">Columns (bit per <see cref="CopyColumn"/>) holding a value of the wrong storage type.</param>
internal readonly record struct CopyColumns(
    ReadOnlyMemory<byte>? EventId, ReadOnlyMemory<byte>? Type, StoredTime OccurredAt, StoredTime RecordedAt,
    ReadOnlyMemory<byte>? ActorId, ReadOnlyMemory<byte>? ActorKind, ReadOnlyMemory<byte>? SubmittedBy,
    ReadOnlyMemory<byte>? Application, ReadOnlyMemory<byte>? Model, ReadOnlyMemory<byte>? Provider, ReadOnlyMemory<byte>? PromptName,
    long? PromptVersion, ReadOnlyMemory<byte>? SearchText, int WrongTypes);
