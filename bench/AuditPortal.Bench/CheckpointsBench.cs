using System.Globalization;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Signing;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Bench;

/// <summary>
/// The `add-checkpoints` verb (bench/README.md): gives an existing SQLite ledger folder the checkpoints
/// a portal fed steadily would have written: one every N entries, signed with the ledger's key, each
/// stored as a row and as an anchor file, as CheckpointPublisher does. `seed-demo` writes a million
/// entries in a minute, so its ledgers hold few checkpoints; a portal checkpoints every 5 s while the
/// log grows, so a month of steady traffic holds hundreds of thousands. For measuring `verify` there.
/// </summary>
public static class CheckpointsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? ledgerDirectory = null;
        var every = 0L;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--ledger-dir" when i + 1 < args.Length: ledgerDirectory = args[++i]; break;
                case "--every" when i + 1 < args.Length && long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    every = n; i++; break;
                default:
                    Console.Error.WriteLine("usage: add-checkpoints --ledger-dir DIR --every N   (DIR: a SQLite ledger folder with signing.key, anchors/ and ledger.db)");
                    return 2;
            }
        }
        if (ledgerDirectory is null || every == 0 || !File.Exists(Path.Combine(ledgerDirectory, "ledger.db")))
        {
            Console.Error.WriteLine("error: --ledger-dir must name a folder holding signing.key, anchors/ and ledger.db, and --every a positive count");
            return 2;
        }
        using var signer = NoteSigner.ParsePrivateKeyText(await File.ReadAllTextAsync(Path.Combine(ledgerDirectory, "signing.key")));
        var anchors = new AnchorDirectory(Path.Combine(ledgerDirectory, "anchors"));
        await using var db = LedgerDatabase.Open(LedgerProvider.Sqlite, $"Data Source={Path.Combine(Path.GetFullPath(ledgerDirectory), "ledger.db")}");
        var existing = (await db.Checkpoints.AsNoTracking().Select(c => c.TreeSize).ToListAsync()).ToHashSet();
        var tree = new CompactRange();
        var added = 0;
        var rows = new List<CheckpointRecord>();
        await foreach (var leaf in db.Entries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.LeafHash).AsAsyncEnumerable())
        {
            tree.Append(leaf);
            if (tree.Size % every != 0 || existing.Contains(tree.Size)) continue;
            var root = tree.Root();
            var note = SignedNote.Sign(new Checkpoint(signer.Name, tree.Size, root).ToNoteText(), signer);
            await anchors.WriteAsync(tree.Size, note, CancellationToken.None);
            rows.Add(new CheckpointRecord { TreeSize = tree.Size, RootHash = root, Note = note, KeyId = signer.KeyId, CreatedAt = DateTime.UtcNow });
            added++;
        }
        // Rows after the read: SQLite's one connection is busy streaming until then.
        foreach (var batch in rows.Chunk(10_000))
        {
            db.Checkpoints.AddRange(batch);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        Console.WriteLine($"added {added:N0} checkpoints (every {every:N0} entries) to {ledgerDirectory}; it now holds {existing.Count + added:N0}");
        return 0;
    }
}
