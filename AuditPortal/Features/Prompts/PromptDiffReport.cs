namespace AuditPortal.Features.Prompts;

/// <summary>
/// Two versions of one prompt side by side, or, when the prompt lacks one of them, which versions
/// were missing (and nothing else: no template is handed out for a diff that was not recorded).
/// </summary>
/// <param name="VersionCount">How many versions the prompt has, to word the message about a missing one.</param>
public sealed record PromptDiffReport(string Name, PromptVersionHistory? From, PromptVersionHistory? To, PromptTextDiff? Diff,
    IReadOnlyList<int> MissingVersions, int VersionCount = 0)
{
    public static PromptDiffReport Missing(string name, int versionCount, IReadOnlyList<int> missing) =>
        new(name, null, null, null, missing, versionCount);
}
