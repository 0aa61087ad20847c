using System.Security.Cryptography;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// The entries one append transaction adds: positions, envelopes, contents and the tree nodes they
/// complete, accumulated in memory and written by <see cref="LedgerAppender.WriteAsync"/>.
/// </summary>
public sealed class AppendBatch
{
    private readonly CompactRange _tree;

    internal AppendBatch(LedgerDbContext db, CompactRange tree, DateTime recordedAtUtc)
    {
        Db = db;
        _tree = tree;
        FirstSequence = tree.Size;
        RecordedAtUtc = recordedAtUtc;
    }

    public LedgerDbContext Db { get; }
    public long FirstSequence { get; }
    public long NextSequence => _tree.Size;
    public DateTime RecordedAtUtc { get; }
    public int Count => Entries.Count;

    internal List<LedgerEntry> Entries { get; } = [];
    internal List<LedgerContent> Contents { get; } = [];
    internal List<TreeNode> Nodes { get; } = [];
    internal CompactRange Tree => _tree;

    public AppendedEntry Add(EventDraft draft)
    {
        var sequence = _tree.Size;
        var salt = RandomNumberGenerator.GetBytes(32);
        var envelope = Envelope.Render(draft, sequence, RecordedAtUtc, Envelope.Commitment(salt, draft.Content));
        var leafHash = MerkleHash.Leaf(envelope);
        Entries.Add(new LedgerEntry
        {
            Sequence = sequence,
            EventId = draft.EventId,
            Type = draft.Type,
            OccurredAt = draft.OccurredAtUtc,
            RecordedAt = RecordedAtUtc,
            ActorId = draft.Actor.Id,
            ActorKind = draft.Actor.Kind,
            SubmittedBy = draft.SubmittedBy.Id,
            Application = draft.Application,
            Model = draft.Model,
            Provider = draft.Provider,
            PromptName = draft.PromptName,
            PromptVersion = draft.PromptVersion,
            SearchText = Envelope.SearchText(draft),
            Envelope = envelope,
            LeafHash = leafHash,
        });
        Contents.Add(new LedgerContent { Sequence = sequence, Salt = salt, Content = draft.Content });
        _tree.Append(leafHash, (id, hash) => Nodes.Add(new TreeNode { NodeKey = id.StorageKey, Hash = hash }));
        return new AppendedEntry(draft.EventId, sequence, leafHash, envelope, salt);
    }
}

/// <summary>What the appender gives back for one entry; the receipt is built from it.</summary>
public sealed record AppendedEntry(string EventId, long Sequence, byte[] LeafHash, byte[] Envelope, byte[] Salt);
