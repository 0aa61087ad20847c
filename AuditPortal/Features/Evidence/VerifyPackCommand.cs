using AuditPortal.Data.Evidence;
using AuditPortal.Data.Signing;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// `verify-pack FILE [--key VERIFIER_KEY]`: checks an evidence pack offline with
/// <see cref="EvidencePackVerifier"/> — no configuration, database or network is touched. Exit 0 when
/// everything checks out, 1 naming the first file or entry that does not, 2 when it cannot run.
/// </summary>
public static class VerifyPackCommand
{
    public const string Description = """
        Check an evidence pack offline, without a database: the manifest's signature, every file's SHA-256, the checkpoint's
        signature, every entry's leaf hash and inclusion proof, every content commitment, the counts.
        Exit 0: intact. 1: the first file or entry that failed, and why, on standard error. 2: could not run.
        """;

    public static int Run(string file, string? keyText)
    {
        NoteVerifier? key = null;
        if (keyText is not null && !NoteVerifier.TryParse(keyText, out key, out var error))
        {
            Console.Error.WriteLine($"error: --key {keyText}: {error}");
            return 2;
        }

        var result = EvidencePackVerifier.Verify(file, key);
        if (result.Outcome != PackOutcome.CannotRun && result.KeyFromPack)
            Console.Error.WriteLine($"note: no --key given, so the pack's own verifier-key.txt ({result.Key}) is trusted: this shows the pack is " +
                                    "self-consistent, not that the ledger's key signed it. Pass --key with the key from the ledger's operator.");
        switch (result.Outcome)
        {
            case PackOutcome.Passed:
                Console.Out.WriteLine($"pack intact: {result.Facts} key={result.Key}");
                return 0;
            case PackOutcome.Failed:
                Console.Error.WriteLine($"FAILED: {result.Where}: {result.Reason}");
                return 1;
            default:
                Console.Error.WriteLine($"error: {result.Reason}");
                return 2;
        }
    }
}
