using System.Security.Cryptography;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// The entries one append transaction adds. Positions are assigned as entries are added; the
/// envelopes and hashes are rendered together, in parallel, when the batch is written, because that
/// is the writer's largest serial cost (docs/benchmarks.md). The tree is then extended in order.
/// </summary>
public sealed class AppendBatch
{
    private readonly CompactRange _tree;
    private readonly List<PendingEntry> _pending = [];
    private bool _rendered;

    internal AppendBatch(LedgerDbContext db, CompactRange tree, DateTime recordedAtUtc)
    {
        Db = db;
        _tree = tree;
        FirstSequence = tree.Size;
        RecordedAtUtc = recordedAtUtc;
    }

    public LedgerDbContext Db { get; }
    public long FirstSequence { get; }
    public long NextSequence => FirstSequence + _pending.Count;
    public DateTime RecordedAtUtc { get; }
    public int Count => _pending.Count;

    internal List<LedgerEntry> Entries { get; } = [];
    internal List<LedgerContent> Contents { get; } = [];
    internal List<TreeNode> Nodes { get; } = [];

    internal CompactRange Tree => _rendered ? _tree : throw new InvalidOperationException("Render the batch first.");

    public PendingEntry Add(EventDraft draft)
    {
        if (_rendered) throw new InvalidOperationException("The batch has been written; start a new one.");
        var entry = new PendingEntry(draft, NextSequence, RandomNumberGenerator.GetBytes(32), RecordedAtUtc);
        _pending.Add(entry);
        return entry;
    }

    internal void Render()
    {
        if (_rendered) return;
        if (_pending.Count >= 32) Parallel.For(0, _pending.Count, i => _pending[i].Render());
        foreach (var entry in _pending)
        {
            Entries.Add(entry.ToEntity());
            Contents.Add(new LedgerContent { Sequence = entry.Sequence, Salt = entry.Salt, Content = entry.Draft.Content });
            _tree.Append(entry.LeafHash, (id, hash) => Nodes.Add(new TreeNode { NodeKey = id.StorageKey, Hash = hash }));
        }
        _rendered = true;
    }
}

/// <summary>An entry with its position and salt; its envelope and leaf hash are rendered on first use.</summary>
public sealed class PendingEntry
{
    private byte[]? _envelope;
    private byte[]? _leafHash;
    private string? _searchText;

    internal PendingEntry(EventDraft draft, long sequence, byte[] salt, DateTime recordedAtUtc)
    {
        Draft = draft;
        Sequence = sequence;
        Salt = salt;
        RecordedAtUtc = recordedAtUtc;
    }

    public EventDraft Draft { get; }
    public long Sequence { get; }
    public byte[] Salt { get; }
    public DateTime RecordedAtUtc { get; }
    public string EventId => Draft.EventId;
    public byte[] Envelope { get { Render(); return _envelope!; } }
    public byte[] LeafHash { get { Render(); return _leafHash!; } }

    internal void Render()
    {
        if (_leafHash is not null) return;
        var envelope = Ledger.Envelope.Render(Draft, Sequence, RecordedAtUtc, Ledger.Envelope.Commitment(Salt, Draft.Content));
        _searchText = Ledger.Envelope.SearchText(Draft);
        _envelope = envelope;
        _leafHash = MerkleHash.Leaf(envelope);
    }

    internal LedgerEntry ToEntity()
    {
        Render();
        return new LedgerEntry
        {
            Sequence = Sequence,
            EventId = Draft.EventId,
            Type = Draft.Type,
            OccurredAt = Draft.OccurredAtUtc,
            RecordedAt = RecordedAtUtc,
            ActorId = Draft.Actor.Id,
            ActorKind = Draft.Actor.Kind,
            SubmittedBy = Draft.SubmittedBy.Id,
            Application = Draft.Application,
            Model = Draft.Model,
            Provider = Draft.Provider,
            PromptName = Draft.PromptName,
            PromptVersion = Draft.PromptVersion,
            SearchText = _searchText!,
            Envelope = _envelope!,
            LeafHash = _leafHash!,
        };
    }
}
