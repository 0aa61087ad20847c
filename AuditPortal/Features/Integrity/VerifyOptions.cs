using AuditPortal.Cli;
using AuditPortal.Data.Signing;

namespace AuditPortal.Features.Integrity;

/// <summary>What `verify` was asked to do, parsed from its arguments.</summary>
/// <param name="Keys">Verifier keys given with --key; none means the signing key file's public half.</param>
/// <param name="RequireAnchors">--require-anchors: a checkpoint without its anchor file fails the run instead of warning.</param>
public sealed record VerifyOptions(IReadOnlyList<NoteVerifier> Keys, bool RequireAnchors)
{
    public const string Usage = "usage: verify [--key VERIFIER_KEY]… [--require-anchors]";

    /// <returns>The options, or null with <paramref name="error"/> set.</returns>
    public static VerifyOptions? Parse(CommandArguments arguments, out string? error)
    {
        error = null;
        if (arguments.Unknown("key", "require-anchors").Any() || arguments.Positionals.Count > 0)
        {
            error = Usage;
            return null;
        }
        var keys = new List<NoteVerifier>();
        foreach (var text in arguments.Options("key"))
        {
            if (!NoteVerifier.TryParse(text, out var key, out var keyError))
            {
                error = $"error: --key {text}: {keyError}";
                return null;
            }
            keys.Add(key);
        }
        // A flag: the hand-written parser gives it "" (or a value that follows, which a flag does not take).
        var requireAnchors = arguments.Options("require-anchors");
        if (requireAnchors.Any(v => v.Length > 0))
        {
            error = $"error: --require-anchors takes no value. {Usage}";
            return null;
        }
        return new VerifyOptions(keys, requireAnchors.Count > 0);
    }
}
