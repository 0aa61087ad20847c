using System.Globalization;
using AuditPortal.Data.Ledger.Model;

namespace AuditPortal.Features.Prompts;

/// <summary>
/// The prompt pages' routes (a contract: bookmarks and the docs rely on them) and how they name
/// people and times. Names are escaped: a prompt name is whatever a service sent.
/// </summary>
public static class PromptLinks
{
    public static string List => "/prompts";

    public static string History(string name) => $"/prompts/{Uri.EscapeDataString(name)}";

    public static string Diff(string name, int from, int to) => $"{History(name)}/diff?from={from}&to={to}";

    /// <summary>The timeline filtered to the calls that used one version: the filter names of GET /api/v1/events.</summary>
    public static string Calls(string name, int version) =>
        $"/timeline?prompt={Uri.EscapeDataString(name)}&promptVersion={version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The ledger's actor id, with the display name the event carried when it had one.</summary>
    public static string Who(PromptStep step) =>
        string.IsNullOrWhiteSpace(step.ActorDisplayName) || step.ActorDisplayName == step.ActorId
            ? step.ActorId
            : $"{step.ActorDisplayName} ({step.ActorId})";

    public static string When(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Status(PromptStatus status) => status switch
    {
        PromptStatus.Draft => "draft (awaiting review)",
        _ => status.ToString().ToLowerInvariant(),
    };
}
