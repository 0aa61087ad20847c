using System.Threading.Channels;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Data.Search;
using AuditPortal.Data.Signing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Recomputes the whole ledger from the stored bytes and reports the first entry that fails and why
/// (DESIGN.md §2). Trusts only the verifier keys it is given and, when available, the anchor directory:
/// never the database's own hashes. Streams in chunks, so memory stays flat at any size apart from
/// one 64-bit hash per entry for the duplicate-id check. Reads one snapshot (<see cref="LedgerSnapshot"/>).
/// </summary>
public sealed class LedgerVerifier
{
    // Entries per query. Up to six chunks are in memory at once (one per stage, one in each channel between, one more read
    // under way on PostgreSQL), ~10 MB each at the benchmark's 1.3 KB per entry; 1,024 and 16,384 were no faster on either provider.
    private const int ChunkSize = 8192;
    // The preparing stage's results are reused in turn: one per stage and one waiting in each channel.
    private const int ChunksInMemory = 5;
    // Connections that read one PostgreSQL snapshot at once (SnapshotSiblings); other providers read on one.
    private const int ReadersOnPostgres = 2;
    private readonly Dictionary<uint, NoteVerifier> _keys;
    private readonly string _origin;
    private readonly AnchorDirectory? _anchors;
    private readonly bool _requireAnchors;

    /// <param name="requireAnchors">A checkpoint without its anchor file is a failure rather than a warning.</param>
    public LedgerVerifier(IEnumerable<NoteVerifier> trustedKeys, AnchorDirectory? anchors = null, string? origin = null, bool requireAnchors = false)
    {
        _keys = trustedKeys.ToDictionary(k => k.KeyId);
        if (_keys.Count == 0) throw new ArgumentException("At least one trusted verifier key is needed.", nameof(trustedKeys));
        _origin = origin ?? _keys.Values.First().Name;
        _anchors = anchors;
        _requireAnchors = requireAnchors;
    }

    /// <param name="progress">Told how many entries are checked after each chunk (for a progress bar).</param>
    public async Task<VerificationResult> VerifyAsync(LedgerDbContext db, CancellationToken cancellationToken = default,
        IProgress<long>? progress = null)
    {
        using var run = new Run(this, progress);
        // Anchor files first: each is written after its checkpoint row commits, so every anchor read
        // here is covered by the snapshot that starts next, however busy the portal is.
        var anchors = _anchors?.ReadAll();
        // The text search index is derived from the search text the entry stage checks. Beside the
        // snapshot, on a connection of its own (SQLite's FTS5 integrity check is a write statement,
        // which a read transaction cannot upgrade to while the portal appends), and at the same time
        // as the entry stream: the two are each about half of a run's work (docs/benchmarks.md).
        var searchIndex = SearchIndexCheck.Start(db, CheckSearchIndexSeal, cancellationToken);
        IReadOnlyList<VerificationFailure> replay;
        try
        {
            await using (await LedgerSnapshot.BeginAsync(db, cancellationToken))
            {
                await run.LoadCheckpointsAsync(db, anchors, cancellationToken);
                await run.LoadSearchIndexLayoutAsync(db, cancellationToken);
                await run.LoadPurgeAuthorityAsync(db, cancellationToken);
                await run.StreamEntriesAsync(db, cancellationToken);
                await run.CheckTailAsync(db, cancellationToken);
                await run.ConfirmDuplicateIdsAsync(db, cancellationToken);
                // The read models are checked against what the entries just verified say, in the same snapshot.
                replay = await ProjectionReplay.CheckAsync(db, run.Position, cancellationToken);
            }
        }
        catch
        {
            // Never left running (or unobserved) when the run fails; the first exception is the one to report.
            try { await searchIndex; }
            catch (Exception) { /* superseded by the exception being rethrown */ }
            throw;
        }
        var index = await searchIndex;
        IReadOnlyList<VerificationFailure> derivedState = [.. replay, .. index.Failures, .. run.CompareSealedSearchText(index.SealedTextHashes)];
        run.CheckAnchorsPresent();
        var result = run.Result();
        return result with { Failures = [.. result.Failures, .. derivedState] };
    }

    /// <summary>A sealed text search partition's signature: by a trusted key, over this log's origin.</summary>
    private string? CheckSearchIndexSeal(SearchIndexSealStatement statement, uint keyId, byte[] signature) =>
        !_keys.TryGetValue(keyId, out var key) ? $"is signed by key id {keyId:x8}, which is not trusted"
        : key.Verify((statement with { Origin = _origin }).ToBytes(), signature) ? null
        : "has a signature that does not verify";

    private sealed class Run(LedgerVerifier owner, IProgress<long>? progress) : IDisposable
    {
        private readonly List<VerificationFailure> _failures = [];
        private Retention.PurgeAuthority _purges = new([]);
        private readonly CompactRange _tree = new();
        // The tree nodes the current chunk's entries complete, to compare with the stored ones; one
        // list and one delegate for the run, not one of each per chunk and per entry.
        private readonly List<NodeRow> _recomputedNodes = new(ChunkSize);
        private Action<NodeId, byte[]>? _addRecomputedNode;
        // Sizes at which a signed statement (database checkpoint or anchor) fixes the root.
        private readonly SortedDictionary<long, List<(string Source, byte[] Root)>> _signedRoots = [];
        private readonly Queue<SealView> _seals = new();
        // Every (submittedBy.id, id) seen, as a 64-bit hash; a repeat is confirmed from the envelopes at the end.
        private readonly HashSet<ulong> _scopes = [];
        // Keyed per run, so that nobody can choose ids whose scopes collide (see ScopeHasher).
        private readonly ScopeHasher _scopeHasher = new();
        private readonly List<long> _repeatedScopes = [];
        // Checkpoint rows (size, signed root) for which no anchor file was read.
        private readonly List<(long Size, byte[] Root)> _unanchored = [];
        private readonly List<string> _warnings = [];
        private SealView? _seal;
        private long _lastSealSize;
        // The text hash of each full search partition, from the search text checked against each envelope.
        private PartitionTextHashes? _searchText;
        private long _searchPartitionSize;
        private int _sealCount;
        private int _checkpointCount;
        private int _anchorCount;
        private bool _stopped;

        public long Position { get; private set; }

        public VerificationResult Result() => new(Position, _sealCount, _checkpointCount, _anchorCount, _failures)
        {
            Warnings = _warnings,
            Purged = _purges.PurgedBy,
        };

        /// <summary>The text search index's partition size (SQLite), so that the stream can hash each partition's search text.</summary>
        public async Task LoadSearchIndexLayoutAsync(LedgerDbContext db, CancellationToken cancellationToken)
        {
            SearchIndexLayout? layout;
            try
            {
                layout = await SearchIndexLayout.ReadAsync(db, cancellationToken);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidCastException or InvalidOperationException)
            {
                layout = null; // the search index stage names a missing or redefined state table
            }
            if (layout is not { PartitionSize: > 0 }) return;
            _searchPartitionSize = layout.PartitionSize;
            _searchText = new PartitionTextHashes(layout.PartitionSize);
        }

        public void Dispose() => _searchText?.Dispose();

        /// <summary>
        /// Each sealed partition's text hash must be the hash of the search text this stream checked
        /// against the envelopes. Left out when the stream stopped before the partition's end: an entry
        /// failure is named first.
        /// </summary>
        public IEnumerable<VerificationFailure> CompareSealedSearchText(IReadOnlyDictionary<long, byte[]> sealedTextHashes)
        {
            foreach (var (partition, sealedHash) in sealedTextHashes.OrderBy(p => p.Key))
            {
                if (_searchText is null)
                    yield return new VerificationFailure(FailureKind.SearchIndex,
                        $"the text search index's partition {partition} is sealed, but its search text could not be compared: the entry stream could not read the partition size ({SqliteSearchIndex.StateTable})");
                else if ((partition + 1) * _searchPartitionSize > Position) continue;
                else if (!_searchText.Completed.TryGetValue(partition, out var streamed) || !streamed.AsSpan().SequenceEqual(sealedHash))
                    yield return SearchIndexCheck.TextNotSealed(partition, _searchPartitionSize);
            }
        }

        /// <summary>
        /// The portal's retention events and tombstones, in order, read in the snapshot before the
        /// entries: a tombstone comes after the events it purged, so it must be known when they are
        /// checked. Found by the type and submitter columns; the entry stream then verifies each of
        /// these envelopes like any other, so a forged or edited row fails there.
        /// </summary>
        public async Task LoadPurgeAuthorityAsync(LedgerDbContext db, CancellationToken cancellationToken)
        {
            var portal = Projections.PortalAccount.Recorder.Id;
            var envelopes = await db.Entries.AsNoTracking()
                .Where(e => (e.Type == Projections.LedgerEventTypes.ConfigChanged || e.Type == Retention.RetentionLedger.AppliedType) && e.SubmittedBy == portal)
                .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(cancellationToken);
            _purges = new Retention.PurgeAuthority(envelopes.Select(e => Projections.ProjectedEvent.TryRead(e)).OfType<Projections.ProjectedEvent>());
        }

        private void Fail(VerificationFailure failure, bool stop = true)
        {
            _failures.Add(failure);
            if (stop) _stopped = true;
        }

        /// <summary>Null when a tombstone explains the missing content (and it is counted); otherwise why not.</summary>
        private string? ExplainPurge(ReadOnlyMemory<byte> envelope) =>
            Retention.PurgedEventFacts.TryRead(envelope) is { } facts
                ? _purges.Unexplained(facts)
                : "content missing (no tombstone): the content row is gone and the envelope cannot be read to look for a tombstone";

        public async Task LoadCheckpointsAsync(LedgerDbContext db, IReadOnlyList<AnchoredCheckpoint>? anchors, CancellationToken cancellationToken)
        {
            var anchoredSizes = anchors?.Select(a => a.TreeSize).ToHashSet();
            var rows = await db.Checkpoints.AsNoTracking().OrderBy(c => c.TreeSize).ToListAsync(cancellationToken);
            _checkpointCount = rows.Count;
            var rowNotes = CheckNotes(rows, row => (row.Note, $"checkpoint row {row.TreeSize}", row.TreeSize));
            // The notes of the rows that verified, by size: an anchor file holding the same text needs no second check.
            var verifiedNotes = new Dictionary<long, string>(rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var checkpoint = Apply(rowNotes[i]);
                if (checkpoint is null) continue;
                verifiedNotes[row.TreeSize] = row.Note;
                if (checkpoint.TreeSize != row.TreeSize || !checkpoint.RootHash.AsSpan().SequenceEqual(row.RootHash))
                {
                    Fail(new VerificationFailure(FailureKind.BadCheckpoint,
                        "the checkpoint row's size or root differs from its signed note", CheckpointSize: row.TreeSize), stop: false);
                    continue;
                }
                AddSignedRoot(checkpoint, $"checkpoint {row.TreeSize}");
                if (anchoredSizes is not null && !anchoredSizes.Contains(row.TreeSize)) _unanchored.Add((row.TreeSize, row.RootHash));
            }

            if (anchors is null) return;
            // The portal writes each checkpoint's note to its anchor file as it is: a file whose text is the
            // note of a row just verified is that note, so its signature is not checked twice. A check is a
            // pure function of the text; the size the file is named for is still compared below.
            var anchorNotes = CheckNotes(anchors, anchored => (anchored.Note, $"anchor file {Path.GetFileName(anchored.File)}", anchored.TreeSize),
                anchored => verifiedNotes.TryGetValue(anchored.TreeSize, out var note) && note == anchored.Note);
            for (var i = 0; i < anchors.Count; i++)
            {
                var anchored = anchors[i];
                _anchorCount++;
                var checkpoint = Apply(anchorNotes[i]);
                if (checkpoint is null) continue;
                if (checkpoint.TreeSize != anchored.TreeSize)
                {
                    Fail(new VerificationFailure(FailureKind.BadCheckpoint,
                        $"anchor file {Path.GetFileName(anchored.File)} names size {checkpoint.TreeSize}", CheckpointSize: anchored.TreeSize), stop: false);
                    continue;
                }
                AddSignedRoot(checkpoint, $"anchored checkpoint {anchored.TreeSize}");
            }
        }

        /// <summary>
        /// Every note's signature, checked on every core: about 60 µs a note (Ed25519), and a portal fed
        /// steadily checkpoints every 5 s, so a month's ledger holds hundreds of thousands of rows and as
        /// many anchor files (docs/benchmarks.md). The results are applied in order by the caller.
        /// </summary>
        /// <param name="alreadyVerified">Notes whose text was verified already (null: none).</param>
        private NoteCheck[] CheckNotes<T>(IReadOnlyList<T> items, Func<T, (string Note, string Source, long Size)> describe, Func<T, bool>? alreadyVerified = null)
        {
            var checks = new NoteCheck[items.Count];
            Parallel.For(0, items.Count, i =>
            {
                var (note, source, size) = describe(items[i]);
                checks[i] = alreadyVerified?.Invoke(items[i]) == true ? NoteCheck.Verified(note) : CheckNote(note, source, size);
            });
            return checks;
        }

        private Checkpoint? Apply(NoteCheck check)
        {
            if (check.Failure is { } failure) Fail(failure, stop: false);
            return check.Checkpoint;
        }

        private void AddSignedRoot(Checkpoint checkpoint, string source)
        {
            if (!_signedRoots.TryGetValue(checkpoint.TreeSize, out var list)) _signedRoots[checkpoint.TreeSize] = list = [];
            list.Add((source, checkpoint.RootHash));
        }

        private Checkpoint? ReadCheckpoint(string note, string source, long size) => Apply(CheckNote(note, source, size));

        /// <summary>A signed note on its own: the checkpoint it signs for this log and a trusted key, or why it does not count. Touches nothing else.</summary>
        private NoteCheck CheckNote(string note, string source, long size)
        {
            try
            {
                var signed = SignedNote.Parse(note);
                var checkpoint = Checkpoint.ParseNoteText(signed.Text);
                if (checkpoint.Origin != owner._origin)
                    return NoteCheck.Refused($"{source} is for origin \"{checkpoint.Origin}\", not \"{owner._origin}\"", size);
                var byKnownKey = signed.Signatures.Where(s => owner._keys.ContainsKey(s.KeyId) && owner._keys[s.KeyId].Name == s.KeyName).ToList();
                if (byKnownKey.Count == 0)
                    return NoteCheck.Refused(
                        $"{source} is not signed by a trusted key (key ids {string.Join(", ", signed.Signatures.Select(s => s.KeyId.ToString("x8")))})", size);
                if (!byKnownKey.Any(s => signed.IsSignedBy(owner._keys[s.KeyId])))
                    return NoteCheck.Refused($"{source} has an invalid signature", size);
                return new NoteCheck(checkpoint, null);
            }
            catch (FormatException e)
            {
                return NoteCheck.Refused($"{source} is malformed: {e.Message}", size);
            }
        }

        /// <summary>
        /// The entries in three stages, each on its own chunk at the same time, handed on through
        /// channels that hold one chunk: <see cref="ReadStageAsync"/> (the database connection),
        /// <see cref="PrepareStageAsync"/> (hashes, envelope fields and seal signatures, on every core)
        /// and <see cref="CheckStageAsync"/> (everything that depends on the entries before, in order).
        /// A failure stops the check stage; the others then stop at their next chunk, and an exception
        /// in any stage ends the run with that exception.
        /// </summary>
        public async Task StreamEntriesAsync(LedgerDbContext db, CancellationToken cancellationToken)
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var buffers = new ChunkBufferPool(ChunkSize);
            await using var siblings = await SnapshotSiblings.OpenAsync(db, ReadersOnPostgres - 1, cancellationToken);
            ChunkReader[] readers =
            [
                await ChunkReader.OpenAsync(db, ChunkSize, buffers, cancellationToken),
                .. siblings.Connections.Select(s => new ChunkReader(db, ChunkSize, buffers, s.Connection, s.Transaction)),
            ];
            var reads = new OrderedChunkReads(readers, ChunkSize, buffers);
            var read = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var prepared = Channel.CreateBounded<PreparedChunk>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var reading = Task.Run(() => ReadStageAsync(reads, read.Writer, stopping.Token, cancellationToken), stopping.Token);
            var preparing = Task.Run(() => PrepareStageAsync(read.Reader, prepared.Writer, stopping.Token), stopping.Token);
            try
            {
                await CheckStageAsync(prepared.Reader, buffers, stopping.Token);
            }
            finally
            {
                await stopping.CancelAsync();
                // The connections must be idle again before anyone else uses them: wait for the reading stage.
                await EndedAsync(reading, cancellationToken);
                await EndedAsync(preparing, cancellationToken);
            }
        }

        /// <summary>A stage's end: its own exception is rethrown; the cancellation by which the run stopped it is not an error.</summary>
        private static async Task EndedAsync(Task stage, CancellationToken callerToken)
        {
            try
            {
                await stage;
            }
            catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
            {
            }
        }

        /// <param name="stopping">The run stopped early: no further chunk is read.</param>
        /// <param name="callerToken">The caller gave up: the query in flight is cancelled too.</param>
        /// <remarks>
        /// A stopped run lets the query in flight finish (one chunk) instead of cancelling it: on
        /// PostgreSQL a cancelled statement aborts the snapshot's transaction, and every later read of
        /// the run (the tail, duplicate ids, the read models) then failed with 25P02 instead of the run
        /// naming the tampering that stopped it.
        /// </remarks>
        private static async Task ReadStageAsync(OrderedChunkReads reads, ChannelWriter<Chunk> output, CancellationToken stopping, CancellationToken callerToken)
        {
            try
            {
                await foreach (var chunk in reads.ReadAllAsync(callerToken))
                {
                    stopping.ThrowIfCancellationRequested();
                    await output.WriteAsync(chunk, stopping);
                }
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                throw;
            }
        }

        /// <summary>Everything about a chunk that does not depend on the entries before it.</summary>
        private async Task PrepareStageAsync(ChannelReader<Chunk> input, ChannelWriter<PreparedChunk> output, CancellationToken cancellationToken)
        {
            // Reused in turn, for the same reason as the reader's buffers (ChunkBuffers): chunk n's
            // results are done with once this stage takes chunk n + ChunksInMemory.
            var results = new EntryCheck[ChunksInMemory][];
            var prepared = 0;
            try
            {
                await foreach (var chunk in input.ReadAllAsync(cancellationToken))
                {
                    ref var computed = ref results[prepared++ % ChunksInMemory];
                    if (computed is null || computed.Length < chunk.Entries.Count) computed = new EntryCheck[Math.Max(ChunkSize, chunk.Entries.Count)];
                    ComputeInParallel(chunk.Entries, computed, _scopeHasher);
                    var views = new SealView[chunk.Seals.Count];
                    Parallel.For(0, views.Length, i => views[i] = CheckSeal(chunk.Seals[i]));
                    await output.WriteAsync(new PreparedChunk(chunk, computed, views), cancellationToken);
                }
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                throw;
            }
        }

        /// <summary>The checks in log order: positions, seals, copy columns, the tree, signed roots. Stops at the first failure.</summary>
        private async Task CheckStageAsync(ChannelReader<PreparedChunk> input, ChunkBufferPool buffers, CancellationToken cancellationToken)
        {
            await foreach (var current in input.ReadAllAsync(cancellationToken))
            {
                foreach (var view in current.Seals) _seals.Enqueue(view);
                _sealCount += current.Seals.Length;
                _recomputedNodes.Clear();
                for (var i = 0; i < current.Chunk.Entries.Count && !_stopped; i++)
                    CheckEntry(current.Chunk.Entries[i], current.Computed[i]);
                CompareNodes(current.Chunk.Nodes, _recomputedNodes);
                progress?.Report(Position);
                if (_stopped) return;
                buffers.Return(current.Chunk.Buffers);
            }
        }

        /// <param name="results">Filled for the chunk's entries, at the same indexes; may be longer.</param>
        private static void ComputeInParallel(List<EntryRow> entries, EntryCheck[] results, ScopeHasher scopes) =>
            Parallel.For(0, entries.Count, i => results[i] = ComputeEntry(entries[i], scopes));

        private static EntryCheck ComputeEntry(EntryRow entry, ScopeHasher scopes)
        {
            var leaf = MerkleHash.Leaf(entry.Envelope.Span);
            Span<byte> claimed = stackalloc byte[64];
            if (!EnvelopeFields.TryRead(entry.Envelope.Span, entry.Copies, scopes, out var sequence, claimed, out var mismatches, out var scope))
                return new EntryCheck(leaf, -1, ContentState.Unreadable, 0, 0);
            var state = ContentState.Missing;
            if (entry is { Content: { } content, Salt: { } salt })
            {
                Span<byte> commitment = stackalloc byte[Hashing.Sha256.Size];
                Ledger.Envelope.Commitment(salt.Span, content.Span, commitment);
                Span<byte> actual = stackalloc byte[64];
                Convert.TryToHexStringLower(commitment, actual, out _);
                state = actual.SequenceEqual(claimed) ? ContentState.Ok : ContentState.Mismatch;
            }
            return new EntryCheck(leaf, sequence, state, mismatches, scope);
        }

        private SealView CheckSeal(Ledger.Model.LedgerSeal seal)
        {
            var problem = (string?)null;
            if (seal.LeafHashes.Length != (seal.TreeSize - seal.FirstSequence) * MerkleHash.Size || seal.TreeSize <= seal.FirstSequence)
                problem = "its leaf list does not match its range";
            else if (!owner._keys.TryGetValue((uint)seal.KeyId, out var key))
                problem = $"it is signed by key id {seal.KeyId:x8}, which is not trusted";
            else if (!key.Verify(new SealStatement(owner._origin, seal.FirstSequence, seal.TreeSize, seal.RootHash, seal.LeafHashes).ToBytes(), seal.Signature))
                problem = "its signature does not verify";
            return new SealView(seal, problem);
        }

        private void CheckEntry(EntryRow entry, EntryCheck check)
        {
            var position = Position;
            if (entry.Sequence != position)
            {
                Fail(new VerificationFailure(FailureKind.MissingEntry,
                    $"entry {position} is missing; the next stored entry is {entry.Sequence}", position));
                return;
            }
            if (check.EnvelopeSequence < 0)
            {
                Fail(new VerificationFailure(FailureKind.Unreadable, "the envelope is not a readable canonical envelope", position));
                return;
            }
            if (check.EnvelopeSequence != position)
            {
                Fail(new VerificationFailure(FailureKind.Order,
                    $"the entry stored at {position} is the envelope of sequence {check.EnvelopeSequence} (rows moved or swapped)", position));
                return;
            }
            if (!check.LeafHash.AsSpan().SequenceEqual(entry.LeafHash.Span))
            {
                Fail(new VerificationFailure(FailureKind.LeafMismatch, "the envelope bytes do not hash to the stored leaf hash (envelope edited)", position));
                return;
            }
            switch (check.Content)
            {
                case ContentState.Mismatch:
                    Fail(new VerificationFailure(FailureKind.BadCommitment, "the content does not match the envelope's commitment (content edited)", position));
                    return;
                case ContentState.Missing when ExplainPurge(entry.Envelope) is { } unexplained:
                    Fail(new VerificationFailure(FailureKind.ContentMissing, unexplained, position));
                    return;
            }

            if (!AdvanceSeal(position)) return;
            var sealedLeaf = _seal!.Seal.LeafHashes.AsSpan((int)(position - _seal.Seal.FirstSequence) * MerkleHash.Size, MerkleHash.Size);
            if (!sealedLeaf.SequenceEqual(check.LeafHash))
            {
                Fail(new VerificationFailure(FailureKind.SealMismatch,
                    $"the entry differs from what the ledger sealed at append time (seal {_seal.Seal.TreeSize}); it was rewritten and re-hashed", position));
                return;
            }
            if (!CheckWhatReadsSelectOn(check, position)) return;
            _searchText?.Add(position, entry.Copies.SearchText is { } text ? text.Span : default);

            _tree.Append(check.LeafHash, _addRecomputedNode ??= AddRecomputedNode);
            Position = position + 1;

            if (Position == _seal.Seal.TreeSize && !_tree.Root().AsSpan().SequenceEqual(_seal.Seal.RootHash))
                Fail(new VerificationFailure(FailureKind.BadSeal, "the sealed root does not match the entries", CheckpointSize: Position));
            if (_signedRoots.TryGetValue(Position, out var roots))
            {
                var root = _tree.Root();
                foreach (var (source, signedRoot) in roots.Where(r => !r.Root.AsSpan().SequenceEqual(root)))
                    Fail(new VerificationFailure(FailureKind.CheckpointMismatch,
                        $"{source} signed a different root than the entries produce (history rewritten or forked)", CheckpointSize: Position));
            }
        }

        private void AddRecomputedNode(NodeId id, byte[] hash) => _recomputedNodes.Add(new NodeRow(id.StorageKey, hash));

        /// <summary>
        /// The envelope is authentic by now; the columns that reads filter on must say what it says,
        /// and its id must be new within its submitter's scope.
        /// </summary>
        private bool CheckWhatReadsSelectOn(EntryCheck check, long position)
        {
            if (check.CopyMismatches != 0)
            {
                var column = CopyColumnNames.Of(CopyColumnNames.First(check.CopyMismatches));
                Fail(new VerificationFailure(FailureKind.CopyColumnMismatch,
                    $"column {column} disagrees with the signed envelope (edited: reads filtering on it would hide or misplace the event)", position));
                return false;
            }
            if (!_scopes.Add(check.Scope)) _repeatedScopes.Add(position);
            return true;
        }

        /// <summary>
        /// Names each entry whose (submittedBy.id, id) an earlier envelope already has. Run after the
        /// stream, whose connection is busy until then; the copy columns it looks the earlier entry up
        /// by have been checked against their envelopes, and the envelopes decide. Every repeat of a
        /// scope hash is confirmed, up to the hundredth real duplicate: had it stopped at the hundredth
        /// repeat, ids chosen to collide could have kept a real duplicate from being looked at.
        /// </summary>
        public async Task ConfirmDuplicateIdsAsync(LedgerDbContext db, CancellationToken cancellationToken)
        {
            var named = 0;
            foreach (var position in _repeatedScopes)
            {
                if (named == 100) return;
                var envelope = await db.Entries.AsNoTracking().Where(e => e.Sequence == position).Select(e => e.Envelope).SingleAsync(cancellationToken);
                var (submitter, id) = EnvelopeFields.ReadScope(envelope);
                var earlier = await db.Entries.AsNoTracking()
                    .Where(e => e.SubmittedBy == submitter && e.EventId == id && e.Sequence < position)
                    .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Envelope }).ToListAsync(cancellationToken);
                if (earlier.FirstOrDefault(e => EnvelopeFields.ReadScope(e.Envelope) == (submitter, id)) is not { } first) continue;
                named++;
                Fail(new VerificationFailure(FailureKind.DuplicateEventId,
                    $"event id \"{id}\" from \"{submitter}\" is recorded twice, at sequences {first.Sequence} and {position}; an id is unique per submitting service",
                    position), stop: false);
            }
        }

        /// <summary>
        /// Checkpoints without their anchor file: deleted, or anchoring failed. A file that appeared
        /// since the directory was read (the portal anchors just after it stores a checkpoint) counts if
        /// it holds the same signed root.
        /// </summary>
        public void CheckAnchorsPresent()
        {
            if (owner._anchors is null) return;
            var missing = new List<long>();
            foreach (var (size, root) in _unanchored)
            {
                var file = Path.Combine(owner._anchors.Path, AnchorDirectory.FileName(size));
                if (!File.Exists(file)) { missing.Add(size); continue; }
                var late = ReadCheckpoint(File.ReadAllText(file), $"anchor file {Path.GetFileName(file)}", size);
                if (late is not null && (late.TreeSize != size || !late.RootHash.AsSpan().SequenceEqual(root)))
                    Fail(new VerificationFailure(FailureKind.BadCheckpoint,
                        $"anchor file {Path.GetFileName(file)} signs a different root than checkpoint {size}", CheckpointSize: size), stop: false);
            }
            if (missing.Count == 0) return;
            var sizes = string.Join(", ", missing.Take(5)) + (missing.Count > 5 ? ", …" : "");
            var what = $"{missing.Count} checkpoint(s) have no anchor file in {owner._anchors.Path} (tree sizes {sizes}): deleted, or writing them failed";
            if (owner._requireAnchors)
                Fail(new VerificationFailure(FailureKind.MissingAnchor, what, CheckpointSize: missing[0]), stop: false);
            else
                _warnings.Add($"{what}; the database's own checkpoints were checked, but nothing outside it vouches for them (--require-anchors makes this a failure)");
        }

        private bool AdvanceSeal(long position)
        {
            while (_seal is null || position >= _seal.Seal.TreeSize)
            {
                if (!_seals.TryDequeue(out var next))
                {
                    Fail(new VerificationFailure(FailureKind.NotSealed,
                        "no seal covers this entry: it was written outside the portal", position));
                    return false;
                }
                if (next.Seal.FirstSequence != _lastSealSize)
                {
                    Fail(new VerificationFailure(FailureKind.BadSeal,
                        $"seals jump from size {_lastSealSize} to a seal starting at {next.Seal.FirstSequence}", CheckpointSize: next.Seal.TreeSize));
                    return false;
                }
                if (next.Problem is not null)
                {
                    Fail(new VerificationFailure(FailureKind.BadSeal, $"the seal ending at {next.Seal.TreeSize} is invalid: {next.Problem}",
                        position));
                    return false;
                }
                _seal = next;
                _lastSealSize = next.Seal.TreeSize;
            }
            return true;
        }

        private void CompareNodes(List<NodeRow> stored, List<NodeRow> recomputed)
        {
            if (_stopped) return;
            var count = Math.Min(stored.Count, recomputed.Count);
            for (var i = 0; i < count; i++)
            {
                if (stored[i].Key != recomputed[i].Key)
                {
                    var missing = NodeId.FromStorageKey(Math.Min(stored[i].Key, recomputed[i].Key));
                    ReportNode(missing, stored[i].Key < recomputed[i].Key ? "is stored but should not exist" : "is missing");
                    return;
                }
                if (!stored[i].Hash.Span.SequenceEqual(recomputed[i].Hash.Span))
                {
                    ReportNode(NodeId.FromStorageKey(stored[i].Key), "has the wrong hash");
                    return;
                }
            }
            if (recomputed.Count > count) ReportNode(NodeId.FromStorageKey(recomputed[count].Key), "is missing");
            else if (stored.Count > count) ReportNode(NodeId.FromStorageKey(stored[count].Key), "is stored but should not exist");
        }

        private void ReportNode(NodeId node, string what) =>
            Fail(new VerificationFailure(FailureKind.TreeNode,
                $"stored tree node level {node.Level} index {node.Index} {what}; proofs served from it would not verify",
                node.FirstLeaf));

        public async Task CheckTailAsync(LedgerDbContext db, CancellationToken cancellationToken)
        {
            if (_stopped) return;
            var size = Position;
            var sealedSize = await db.Seals.AsNoTracking().MaxAsync(s => (long?)s.TreeSize, cancellationToken) ?? 0;
            if (sealedSize > size)
                Fail(new VerificationFailure(FailureKind.Truncated,
                    $"the ledger sealed {sealedSize} entries but only {size} are present (tail deleted)", size));
            var signedBeyond = _signedRoots.Keys.Where(s => s > size).ToList();
            if (signedBeyond.Count > 0)
            {
                var largest = signedBeyond.Max();
                Fail(new VerificationFailure(FailureKind.Truncated,
                    $"{_signedRoots[largest][0].Source} covers {largest} entries but the database holds {size} (truncated or rolled back)", size));
            }
            var strayNode = await db.TreeNodes.AsNoTracking().Where(n => n.NodeKey >= size * 64).OrderBy(n => n.NodeKey)
                .Select(n => (long?)n.NodeKey).FirstOrDefaultAsync(cancellationToken);
            // Tree nodes left beyond a truncated tail are explained by the truncation; report them only on their own.
            if (strayNode is { } key && !_failures.Any(f => f.Kind == FailureKind.Truncated))
            {
                var node = NodeId.FromStorageKey(key);
                Fail(new VerificationFailure(FailureKind.TreeNode,
                    $"stored tree node level {node.Level} index {node.Index} implies entries up to {node.LastLeaf}, beyond the end of the log", size));
            }
        }
    }

    /// <summary>A checkpoint note checked on its own: the checkpoint, or the failure that it does not count.</summary>
    private readonly record struct NoteCheck(Checkpoint? Checkpoint, VerificationFailure? Failure)
    {
        public static NoteCheck Refused(string why, long size) =>
            new(null, new VerificationFailure(FailureKind.BadCheckpoint, why, CheckpointSize: size));

        /// <summary>A note whose text and signature were verified already: only parsed again.</summary>
        public static NoteCheck Verified(string note) => new(Checkpoint.ParseNoteText(SignedNote.Parse(note).Text), null);
    }

    private sealed record PreparedChunk(Chunk Chunk, EntryCheck[] Computed, SealView[] Seals);
    private sealed record SealView(Ledger.Model.LedgerSeal Seal, string? Problem);
    /// <param name="CopyMismatches">A bit per <see cref="CopyColumn"/> that disagrees with the envelope.</param>
    /// <param name="Scope">A hash of the envelope's (submittedBy.id, id).</param>
    private readonly record struct EntryCheck(byte[] LeafHash, long EnvelopeSequence, ContentState Content, int CopyMismatches, ulong Scope);
    private enum ContentState { Ok, Missing, Mismatch, Unreadable }
}
