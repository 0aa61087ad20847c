using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Merkle;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// The entries one append transaction adds. Positions are assigned as entries are added; the
/// prepared envelopes are completed and hashed together, in parallel, when the batch is written.
/// The tree is then extended in order.
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

    public PendingEntry Add(EventDraft draft) => Add(new PreparedEvent(draft));

    public PendingEntry Add(PreparedEvent prepared)
    {
        if (_rendered) throw new InvalidOperationException("The batch has been written; start a new one.");
        var entry = new PendingEntry(prepared, NextSequence, RecordedAtUtc);
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

/// <summary>A prepared event with its position; its envelope and leaf hash are completed on first use.</summary>
public sealed class PendingEntry
{
    private readonly PreparedEvent _prepared;
    private byte[]? _envelope;
    private byte[]? _leafHash;

    internal PendingEntry(PreparedEvent prepared, long sequence, DateTime recordedAtUtc)
    {
        _prepared = prepared;
        Sequence = sequence;
        RecordedAtUtc = recordedAtUtc;
    }

    public EventDraft Draft => _prepared.Draft;
    public long Sequence { get; }
    public byte[] Salt => _prepared.Salt;
    public DateTime RecordedAtUtc { get; }
    public string EventId => Draft.EventId;
    public byte[] Envelope { get { Render(); return _envelope!; } }
    public byte[] LeafHash { get { Render(); return _leafHash!; } }

    internal void Render()
    {
        if (_leafHash is not null) return;
        var envelope = _prepared.RenderEnvelope(Sequence, RecordedAtUtc);
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
            SearchText = _prepared.SearchText,
            Envelope = _envelope!,
            LeafHash = _leafHash!,
        };
    }
}
