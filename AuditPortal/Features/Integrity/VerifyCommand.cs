using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;
using AuditPortal.Ledger;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Integrity;

/// <summary>
/// `verify`: recomputes the ledger against the signing key's public half (or keys given with --key)
/// and the anchor directory. Read-only: it never migrates, creates or appends anything, and it reads
/// one snapshot, so it can run beside a busy portal. Warnings (checkpoints without an anchor file)
/// go to standard error and leave the exit code at 0, unless --require-anchors.
/// </summary>
public static class VerifyCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> keyTexts, bool requireAnchors, CancellationToken cancellationToken)
    {
        if (VerifyOptions.Parse(keyTexts, requireAnchors, out var error) is not { } options)
        {
            Console.Error.WriteLine(error);
            return 2;
        }
        var location = services.GetRequiredService<LedgerLocation>();
        var keys = options.Keys.ToList();
        if (keys.Count == 0)
        {
            if (!File.Exists(location.KeyFile))
            {
                Console.Error.WriteLine($"error: no verifier key: {location.KeyFile} does not exist; pass --key <verifier key> (from /api/v1/checkpoints/key).");
                return 2;
            }
            using var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(location.KeyFile, cancellationToken));
            keys.Add(signer.Verifier);
        }
        if (location.Provider == LedgerProvider.Sqlite && SqliteFile(location.ConnectionString) is { } file && !File.Exists(file))
        {
            Console.Error.WriteLine($"error: the database {file} does not exist.");
            return 2;
        }

        VerificationResult result;
        try
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync(cancellationToken);
            // A ledger this version has not migrated yet lacks objects verify checks (the text search
            // index's seals, say): that is an upgrade step, not tampering, and verify changes nothing.
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                Console.Error.WriteLine($"error: the database has {pending.Count} migration(s) this version has not applied ({string.Join(", ", pending)}); " +
                                        "run `migrate` (or start the portal) first: verify only reads.");
                return 2;
            }
            result = await new LedgerVerifier(keys, new AnchorDirectory(location.AnchorDirectory), location.Origin, options.RequireAnchors).VerifyAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"error: verification could not run: {e.Message}");
            return 2;
        }

        Console.Out.WriteLine(result.Summary());
        foreach (var warning in result.Warnings) Console.Error.WriteLine($"warning: {warning}");
        if (result.Intact) return 0;
        Console.Error.WriteLine($"FAILED: {result.FirstFailure}");
        foreach (var other in result.Failures.Where(f => f != result.FirstFailure).Take(9))
            Console.Error.WriteLine($"  also: {other}");
        return 1;
    }

    private static string? SqliteFile(string connectionString)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : source;
    }
}
