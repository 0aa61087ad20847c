using System.Text.RegularExpressions;

namespace AuditPortal.Data.Ledger;

/// <summary>The event types of the ingestion contract (DESIGN.md §4) and the fields each accepts.</summary>
public static partial class EventTypes
{
    public const string LlmCall = "llm.call";
    public const string PromptCreated = "prompt.version.created";
    public const string PromptApproved = "prompt.version.approved";
    public const string PromptRejected = "prompt.version.rejected";
    public const string PromptPublished = "prompt.version.published";
    public const string Access = "access";
    public const string ConfigChanged = "config.changed";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        LlmCall, PromptCreated, PromptApproved, PromptRejected, PromptPublished, Access, ConfigChanged,
    };

    /// <summary>Types only the portal writes (retention tombstones): refused from clients, naming the type.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { Data.Retention.RetentionLedger.AppliedType };

    public static bool IsCustom(string type) => CustomPattern().IsMatch(type);

    private static readonly string[] Common = ["id", "type", "occurredAt", "actor", "application", "sessionId", "traceId", "spanId", "attributes"];

    private static readonly IReadOnlySet<string> LlmCallFields =
        Fields("model", "provider", "responseModel", "prompt", "input", "output", "parameters", "usage", "latencyMs", "status", "error");
    private static readonly IReadOnlySet<string> PromptCreatedFields = Fields("prompt");
    private static readonly IReadOnlySet<string> PromptDecisionFields = Fields("prompt", "comment");
    private static readonly IReadOnlySet<string> CommonFields = Fields();

    public static IReadOnlySet<string> AllowedFields(string type) => type switch
    {
        LlmCall => LlmCallFields,
        PromptCreated => PromptCreatedFields,
        PromptApproved or PromptRejected or PromptPublished => PromptDecisionFields,
        _ => CommonFields,
    };

    private static HashSet<string> Fields(params string[] specific) => new([.. Common, .. specific], StringComparer.Ordinal);

    [GeneratedRegex("^x-[a-z0-9][a-z0-9._-]{0,61}$")]
    private static partial Regex CustomPattern();
}
