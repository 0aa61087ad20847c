using AuditPortal.Data.Signing;

namespace AuditPortal.Features.Integrity;

/// <summary>What `verify` was asked to do, parsed from its arguments.</summary>
/// <param name="Keys">Verifier keys given with --key; none means the signing key file's public half.</param>
/// <param name="RequireAnchors">--require-anchors: a checkpoint without its anchor file fails the run instead of warning.</param>
public sealed record VerifyOptions(IReadOnlyList<NoteVerifier> Keys, bool RequireAnchors)
{
    /// <param name="keyTexts">The values of --key, in order.</param>
    /// <returns>The options, or null with <paramref name="error"/> set.</returns>
    public static VerifyOptions? Parse(IReadOnlyList<string> keyTexts, bool requireAnchors, out string? error)
    {
        error = null;
        var keys = new List<NoteVerifier>();
        foreach (var text in keyTexts)
        {
            if (!NoteVerifier.TryParse(text, out var key, out var keyError))
            {
                error = $"error: --key {text}: {keyError}";
                return null;
            }
            keys.Add(key);
        }
        return new VerifyOptions(keys, requireAnchors);
    }
}
