using System.Runtime.CompilerServices;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Reading;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// What a pack holds: the entries the filters select below the checkpoint's tree size, plus the
/// lifecycle events (created, approved, rejected, published) of every prompt version those entries
/// name, so "which calls used support-reply v3, and who approved v3" is answered by one pack. Rows are
/// streamed by sequence in chunks (keyset, never OFFSET), so memory does not grow with the pack.
/// </summary>
internal sealed class PackSelection
{
    /// <summary>Rows per database round trip.</summary>
    private const int ChunkRows = 1000;

    /// <summary>Contents fetched at once at most (one row's content is always fetched, whatever its size).</summary>
    private const long ContentGroupBytes = 8 * 1024 * 1024;

    public static readonly string[] LifecycleTypes =
        [EventTypes.PromptCreated, EventTypes.PromptApproved, EventTypes.PromptRejected, EventTypes.PromptPublished];

    private PackSelection(EventQuery filters, long treeSize, IReadOnlySet<(string Name, int Version)> usedPrompts, IReadOnlyList<long> lifecycle)
    {
        Filters = filters;
        TreeSize = treeSize;
        UsedPrompts = usedPrompts;
        Lifecycle = lifecycle;
    }

    public EventQuery Filters { get; }

    /// <summary>Entries below this sequence (the checkpoint's size) only.</summary>
    public long TreeSize { get; }

    public IReadOnlySet<(string Name, int Version)> UsedPrompts { get; }

    /// <summary>Sequences of the used versions' lifecycle events, ascending (some may match the filters too).</summary>
    public IReadOnlyList<long> Lifecycle { get; }

    public static async Task<PackSelection> CreateAsync(LedgerDbContext db, EventQuery filters, long treeSize, CancellationToken cancellationToken)
    {
        filters = filters with { Cursor = null, IncludeContent = false };
        var selected = await SelectedAsync(db, filters, treeSize, cancellationToken);
        var used = (await selected.Where(e => e.PromptName != null && e.PromptVersion != null)
                .Select(e => new { e.PromptName, e.PromptVersion }).Distinct().ToListAsync(cancellationToken))
            .Select(p => (p.PromptName!, p.PromptVersion!.Value)).ToHashSet();
        var names = used.Select(u => u.Item1).Distinct().ToList();
        var lifecycle = names.Count == 0
            ? []
            : (await db.Entries.AsNoTracking()
                    .Where(e => e.Sequence < treeSize && LifecycleTypes.Contains(e.Type) && names.Contains(e.PromptName!))
                    .Select(e => new { e.Sequence, e.PromptName, e.PromptVersion }).ToListAsync(cancellationToken))
                .Where(e => e.PromptVersion is { } v && used.Contains((e.PromptName!, v)))
                .Select(e => e.Sequence).Order().ToList();
        return new PackSelection(filters, treeSize, used, lifecycle);
    }

    private static async Task<IQueryable<LedgerEntry>> SelectedAsync(LedgerDbContext db, EventQuery filters, long treeSize,
        CancellationToken cancellationToken) =>
        (await filters.SelectionAsync(db, cancellationToken)).Where(e => e.Sequence < treeSize);

    /// <summary>How many entries the pack will hold (the progress bar's total), from the filter columns.</summary>
    public async Task<long> CountEntriesAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var selected = await SelectedAsync(db, Filters, TreeSize, cancellationToken);
        var lifecycle = Lifecycle.ToList();
        var lifecycleSelected = lifecycle.Count == 0 ? 0 : await selected.Where(e => lifecycle.Contains(e.Sequence)).LongCountAsync(cancellationToken);
        return await selected.LongCountAsync(cancellationToken) + lifecycle.Count - lifecycleSelected;
    }

    /// <summary>Counts what the pack will hold, from the filter columns (verify checks them), reading no envelope.</summary>
    public async Task<(long Events, long PromptChanges, long AccessEvents, long Contents, long EnvelopeBytes, long ContentBytes)> CountAsync(
        LedgerDbContext db, bool includeContent, CancellationToken cancellationToken)
    {
        var selected = await SelectedAsync(db, Filters, TreeSize, cancellationToken);
        var lifecycle = Lifecycle.ToList();
        var events = await selected.LongCountAsync(cancellationToken);
        var lifecycleSelected = lifecycle.Count == 0 ? 0 : await selected.Where(e => lifecycle.Contains(e.Sequence)).LongCountAsync(cancellationToken);
        var extra = lifecycle.Count - lifecycleSelected;
        var promptChanges = await selected.Where(e => LifecycleTypes.Contains(e.Type)).LongCountAsync(cancellationToken) + extra;
        var accessEvents = await selected.Where(e => e.Type == EventTypes.Access).LongCountAsync(cancellationToken);
        var envelopeBytes = await selected.SumAsync(e => (long)e.Envelope.Length, cancellationToken)
                            + (extra == 0 ? 0 : await db.Entries.Where(e => lifecycle.Contains(e.Sequence)).SumAsync(e => (long)e.Envelope.Length, cancellationToken));
        long contents = 0, contentBytes = 0;
        if (includeContent)
        {
            var sequences = selected.Select(e => e.Sequence);
            var disclosed = db.Contents.AsNoTracking().Where(c => sequences.Contains(c.Sequence) || lifecycle.Contains(c.Sequence));
            contents = await disclosed.LongCountAsync(cancellationToken);
            contentBytes = await disclosed.SumAsync(c => (long)c.Content.Length, cancellationToken);
        }
        return (events + extra, promptChanges, accessEvents, contents, envelopeBytes, contentBytes);
    }

    /// <summary>
    /// The pack's rows in ascending sequence, in groups small enough to hold (at most a chunk of rows
    /// and about 8 MiB of content). A selected row whose envelope disagrees with the filters (a copy
    /// column edited in the database) is left out and raised through <paramref name="alerts"/>, as
    /// every read service does.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<PackRow>> ReadAsync(LedgerDbContext db, bool includeContent, IntegrityAlerts alerts,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var selected = await SelectedAsync(db, Filters, TreeSize, cancellationToken);
        var after = -1L;
        var nextLifecycle = 0;
        while (true)
        {
            var from = after;
            var chunk = await selected.Where(e => e.Sequence > from).OrderBy(e => e.Sequence).Take(ChunkRows)
                .Select(e => new StoredRow(e.Sequence, e.Envelope, e.LeafHash)).ToListAsync(cancellationToken);
            var last = chunk.Count < ChunkRows ? long.MaxValue : chunk[^1].Sequence;
            var inChunk = chunk.Select(r => r.Sequence).ToHashSet();
            var extra = new List<long>();
            for (; nextLifecycle < Lifecycle.Count && Lifecycle[nextLifecycle] <= last; nextLifecycle++)
                if (!inChunk.Contains(Lifecycle[nextLifecycle])) extra.Add(Lifecycle[nextLifecycle]);
            var extraRows = extra.Count == 0
                ? []
                : await db.Entries.AsNoTracking().Where(e => extra.Contains(e.Sequence))
                    .Select(e => new StoredRow(e.Sequence, e.Envelope, e.LeafHash)).ToListAsync(cancellationToken);

            var rows = new List<PackRow>(chunk.Count + extraRows.Count);
            foreach (var row in chunk)
            {
                var facts = EnvelopeFacts.TryRead(row.Envelope);
                if (EnvelopeFilter.FirstDisagreement(Filters, row.Sequence, row.Envelope, facts) is { } mismatch)
                    alerts.Raise(row.Sequence, mismatch, "evidence.export");
                else rows.Add(new PackRow(row.Sequence, row.Envelope, row.LeafHash, facts!, MatchesFilters: true));
            }
            foreach (var row in extraRows)
            {
                var facts = EnvelopeFacts.TryRead(row.Envelope);
                if (facts is null || facts.Sequence != row.Sequence || !LifecycleTypes.Contains(facts.Type)
                    || facts.PromptName is null || facts.PromptVersion is null || !UsedPrompts.Contains((facts.PromptName, facts.PromptVersion.Value)))
                    alerts.Raise(row.Sequence, "prompt", "evidence.export");
                else rows.Add(new PackRow(row.Sequence, row.Envelope, row.LeafHash, facts, MatchesFilters: false));
            }
            rows.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));

            if (!includeContent) { if (rows.Count > 0) yield return rows; }
            else
                await foreach (var group in WithContentsAsync(db, rows, cancellationToken))
                    yield return group;

            if (last == long.MaxValue) yield break;
            after = last;
        }
    }

    /// <summary>Attaches contents to the rows, a group of about <see cref="ContentGroupBytes"/> at a time.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<PackRow>> WithContentsAsync(LedgerDbContext db, List<PackRow> rows,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (rows.Count == 0) yield break;
        var sequences = rows.Select(r => r.Sequence).ToList();
        var lengths = await db.Contents.AsNoTracking().Where(c => sequences.Contains(c.Sequence))
            .Select(c => new { c.Sequence, c.Content.Length }).ToDictionaryAsync(c => c.Sequence, c => c.Length, cancellationToken);
        var start = 0;
        while (start < rows.Count)
        {
            var end = start;
            long bytes = 0;
            while (end < rows.Count && (end == start || bytes + lengths.GetValueOrDefault(rows[end].Sequence) <= ContentGroupBytes))
                bytes += lengths.GetValueOrDefault(rows[end++].Sequence);
            var group = rows.GetRange(start, end - start);
            var wanted = group.Where(r => lengths.ContainsKey(r.Sequence)).Select(r => r.Sequence).ToList();
            var contents = wanted.Count == 0
                ? []
                : await db.Contents.AsNoTracking().Where(c => wanted.Contains(c.Sequence))
                    .ToDictionaryAsync(c => c.Sequence, c => new EventContent(c.Sequence, c.Salt, c.Content), cancellationToken);
            foreach (var row in group)
            {
                row.ContentRequested = true;
                row.Content = contents.GetValueOrDefault(row.Sequence);
            }
            yield return group;
            start = end;
        }
    }

    private sealed record StoredRow(long Sequence, byte[] Envelope, byte[] LeafHash);
}

/// <summary>One entry of the pack as read from the ledger, with its content when disclosed.</summary>
/// <param name="MatchesFilters">Selected by the filters; false for a prompt lifecycle event added because a selected entry used its version.</param>
internal sealed record PackRow(long Sequence, byte[] Envelope, byte[] LeafHash, EnvelopeFacts Facts, bool MatchesFilters)
{
    public bool ContentRequested { get; set; }

    /// <summary>The content and salt, or null when not requested or purged.</summary>
    public EventContent? Content { get; set; }

    public bool ContentPurged => ContentRequested && Content is null;
}
