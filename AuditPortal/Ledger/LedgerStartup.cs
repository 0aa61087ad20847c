using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Signing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger;

/// <summary>
/// Brings the ledger to a usable state before anything is served: migrates the schema, loads the
/// signing key (creating it only for an empty ledger) and refuses to continue when the key, the
/// database and the anchors disagree, because appending then would extend a history nobody can trust.
/// Tree nodes lost from the end of the tree are rebuilt when the last seal vouches for them
/// (<see cref="RightEdgeRepair"/>); otherwise the start is refused, naming `verify`.
/// </summary>
public sealed partial class LedgerStartup(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerLocation location,
    SigningKeyHolder keyHolder,
    ILogger<LedgerStartup> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var lastSeal = await db.Seals.AsNoTracking().OrderByDescending(s => s.TreeSize)
            .Select(s => new { s.TreeSize, s.KeyId }).FirstOrDefaultAsync(cancellationToken);

        var signer = LoadOrCreateKey(lastSeal?.TreeSize ?? 0);
        if (lastSeal is not null && (uint)lastSeal.KeyId != signer.KeyId)
            throw new LedgerStartupException(
                $"The ledger's last seal (size {lastSeal.TreeSize}) was made with key id {lastSeal.KeyId:x8}, but {location.KeyFile} " +
                $"holds key id {signer.KeyId:x8}; restore the original key file.");

        var anchored = new AnchorDirectory(location.AnchorDirectory).LargestTreeSize();
        if (anchored is { } anchoredSize && anchoredSize > (lastSeal?.TreeSize ?? 0))
            throw new LedgerStartupException(
                $"The anchor directory {location.AnchorDirectory} holds a checkpoint of size {anchoredSize}, but the database has only " +
                $"{lastSeal?.TreeSize ?? 0} entries: it was truncated or restored from an older copy, and appending now would fork the log; " +
                "run `verify` and restore the database.");

        await RestoreLostTreeNodesAsync(signer, cancellationToken);
        keyHolder.Set(signer);
        LogReady(logger, location.Provider, lastSeal?.TreeSize ?? 0, signer.Verifier.ToString());
    }

    /// <summary>Lost nodes at the end of the tree would stop every append; rebuild them if the last seal vouches for the result.</summary>
    private async Task RestoreLostTreeNodesAsync(NoteSigner signer, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        try
        {
            var restored = await RightEdgeRepair.RestoreAsync(db, signer.Verifier, cancellationToken);
            if (restored > 0) LogRestoredNodes(logger, restored);
        }
        catch (LedgerCorruptException e)
        {
            throw new LedgerStartupException($"{e.Message}, so nothing can be appended; run `verify` to name the damage and restore the database from a backup.");
        }
    }

    private NoteSigner LoadOrCreateKey(long ledgerSize)
    {
        if (File.Exists(location.KeyFile))
        {
            var signer = NoteSigner.ParsePrivateKeyText(File.ReadAllText(location.KeyFile));
            if (signer.Name != location.Origin)
                throw new LedgerStartupException(
                    $"{location.KeyFile} is the key of log \"{signer.Name}\", but AuditPortal:Signing:Origin is \"{location.Origin}\"; " +
                    "set the origin the key was made for, or point AuditPortal:Signing:KeyFile at this log's key.");
            return signer;
        }
        if (ledgerSize > 0)
            throw new LedgerStartupException(
                $"The signing key file {location.KeyFile} is missing, but the ledger already has {ledgerSize} sealed entries " +
                "and a new key cannot continue this ledger; restore the key file (or point AuditPortal:Signing:KeyFile at it).");

        var created = NoteSigner.Generate(location.Origin);
        SigningKeyFile.Write(location.KeyFile, created.ToPrivateKeyText());
        LogCreatedKey(logger, location.KeyFile, created.Verifier.ToString());
        return created;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Created a new ledger signing key in {KeyFile} (owner-only permissions). Back it up and keep it out of the database's reach. Verifier key: {VerifierKey}")]
    private static partial void LogCreatedKey(ILogger logger, string keyFile, string verifierKey);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Restored {Count} tree node(s) missing at the end of tree_nodes, rebuilt from the leaves and checked against the last seal. Run `verify` to look for other damage")]
    private static partial void LogRestoredNodes(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger ready: provider {Provider}, {Size} entries, verifier key {VerifierKey}")]
    private static partial void LogReady(ILogger logger, LedgerProvider provider, long size, string verifierKey);
}

public sealed class LedgerStartupException(string message) : Exception(message);
