using AuditPortal.Components;
using AuditPortal.Reading;

namespace AuditPortal.Features.Events;

/// <summary>
/// The timeline's optional columns and which of them a reviewer has chosen to see (for as long as the
/// page is open: the URL holds filters only, with exactly the API's names). When and the event link
/// are always shown.
/// </summary>
public sealed class TimelineColumns
{
    public const string Type = "type";
    public const string Actor = "actor";
    public const string Application = "application";
    public const string Model = "model";
    public const string Prompt = "prompt";
    public const string Id = "id";
    public const string Recorded = "recorded";

    public static readonly IReadOnlyList<string> Optional = [Type, Actor, Application, Model, Prompt, Id, Recorded];

    private readonly HashSet<string> _shown = [Type, Actor, Application, Model, Prompt];

    public IEnumerable<string> Shown => Optional.Where(_shown.Contains);

    public bool Shows(string column) => _shown.Contains(column);

    public void Set(string column, bool shown)
    {
        if (shown) _shown.Add(column);
        else _shown.Remove(column);
    }

    public static string Title(string column) => column switch
    {
        Type => "Type",
        Actor => "User",
        Application => "Application",
        Model => "Model",
        Prompt => "Prompt",
        Id => "Event id",
        Recorded => "Recorded",
        _ => column,
    };

    public static string Header(string column, TimeZoneInfo zone) =>
        column == Recorded ? $"Recorded ({ViewerTimeZone.Label(zone)})" : Title(column);

    /// <summary>A cell's text, straight from the signed envelope (rendered as text, never as markup).</summary>
    public static string Text(string column, EnvelopeFacts facts) => column switch
    {
        Type => facts.Type,
        Actor => facts.ActorId,
        Application => facts.Application ?? "",
        Model => facts.Model ?? "",
        Prompt => facts.PromptName is null ? "" : facts.PromptVersion is { } v ? $"{facts.PromptName} v{v}" : facts.PromptName,
        Id => facts.Id,
        _ => "",
    };
}
