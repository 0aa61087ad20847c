using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Search;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditPortal.Bench;

/// <summary>
/// The average stored sizes of the rows the portal wrote, read back from its database, and their search
/// texts themselves: what a text index costs depends on the text (random letters make nearly every
/// trigram new, ids and names repeat them), so the baseline indexes exactly what the portal indexed.
/// </summary>
public sealed record RowShape(int EventIdChars, int SearchTextChars, int EnvelopeBytes, int ContentBytes, long Entries, IReadOnlyList<string> SearchTexts)
{
    public static async Task<RowShape> ReadAsync(BenchProvider provider, string connectionString)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT avg(length(e.event_id)), avg(length(e.search_text)), avg(length(e.envelope)), avg(length(c.content)), count(*)
            FROM ledger_entries e JOIN ledger_contents c ON c.sequence = e.sequence WHERE e.type = 'llm.call'
            """;
        int eventIdChars, searchTextChars, envelopeBytes, contentBytes;
        long entries;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            int Avg(int i) => (int)Math.Round(Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture));
            (eventIdChars, searchTextChars, envelopeBytes, contentBytes) = (Avg(0), Avg(1), Avg(2), Avg(3));
            entries = Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture);
        }
        var searchTexts = new List<string>();
        command.CommandText = "SELECT search_text FROM ledger_entries WHERE type = 'llm.call' ORDER BY sequence";
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) searchTexts.Add(reader.GetString(0));
        return new RowShape(eventIdChars, searchTextChars, envelopeBytes, contentBytes, entries, searchTexts);
    }

    public static DbConnection Open(BenchProvider provider, string connectionString) => provider == BenchProvider.Sqlite
        ? new SqliteConnection(connectionString)
        : new NpgsqlConnection(connectionString);
}

/// <summary>
/// Baseline for ingestion: the same number of ledger_entries + ledger_contents rows, of the sizes the
/// portal stored, into a fresh database migrated with the portal's own schema (same indexes and
/// triggers), with plain parameterised ADO.NET in transactions of a fixed number of rows, one
/// connection. SQLite: WAL + synchronous=FULL (as the portal sets them), one prepared INSERT per row.
/// PostgreSQL: default (durable) commit, one prepared DbBatch of all the transaction's INSERTs, so a
/// transaction costs one round trip plus BEGIN/COMMIT. Rows are built before timing starts.
/// <para>
/// The same indexes include the text search index: on PostgreSQL the migration's trigram index is
/// maintained by the server with each insert; on SQLite the FTS5 index is filled by the portal's
/// indexer beside the writer, so <c>withSearchIndex</c> runs that same indexer here, as the rows are
/// committed, in batches of its own size. Without it the baseline stores less than the portal does
/// (the yardstick before 2026-12-03, still printed for comparison).
/// </para>
/// </summary>
public static class RawInsert
{
    private const string EntrySql = """
        INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by,
            application, model, provider, prompt_name, prompt_version, search_text, envelope, leaf_hash)
        VALUES (@sequence, @event_id, @type, @occurred_at, @recorded_at, @actor_id, @actor_kind, @submitted_by,
            @application, @model, @provider, @prompt_name, @prompt_version, @search_text, @envelope, @leaf_hash)
        """;
    private const string ContentSql = "INSERT INTO ledger_contents (sequence, salt, content) VALUES (@sequence, @salt, @content)";

    private static readonly string[] EntryColumns =
    [
        "sequence", "event_id", "type", "occurred_at", "recorded_at", "actor_id", "actor_kind", "submitted_by",
        "application", "model", "provider", "prompt_name", "prompt_version", "search_text", "envelope", "leaf_hash",
    ];
    private static readonly string[] ContentColumns = ["sequence", "salt", "content"];

    /// <param name="prefillChunks">The warm-up's chunks: rows like them are inserted first, untimed, so the
    /// timed rows meet indexes as full as the portal's were (the events' times restart with each chunk).</param>
    public static async Task<RawResult> RunAsync(BenchProvider provider, string connectionString, RowShape shape, int rows, int rowsPerTransaction,
        IReadOnlyList<int> prefillChunks, bool withSearchIndex)
    {
        var prefill = prefillChunks.Sum();
        var all = Build(shape, [.. prefillChunks, rows]);
        var data = all[prefill..];
        await using var connection = RowShape.Open(provider, connectionString);
        await connection.OpenAsync();
        if (provider == BenchProvider.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync();
        }

        await using var indexer = provider == BenchProvider.Sqlite && withSearchIndex ? LedgerDatabase.Open(LedgerProvider.Sqlite, connectionString) : null;
        if (prefill > 0)
        {
            if (provider == BenchProvider.Sqlite) await InsertSqliteAsync((SqliteConnection)connection, all[..prefill], 1000, indexer);
            else await InsertPostgresAsync((NpgsqlConnection)connection, all[..prefill], 1000);
        }

        var cpu = CpuSampler.Start();
        var clock = Stopwatch.StartNew();
        if (provider == BenchProvider.Sqlite) await InsertSqliteAsync((SqliteConnection)connection, data, rowsPerTransaction, indexer);
        else await InsertPostgresAsync((NpgsqlConnection)connection, data, rowsPerTransaction);
        clock.Stop();
        var use = cpu.Stop();
        // Untimed, as the portal's own index lag after its last acknowledgement is (the bench prints that lag).
        if (indexer is not null) await SqliteSearchIndexer.CatchUpAsync(indexer);

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM ledger_entries";
        var stored = Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        if (stored != prefill + rows) throw new InvalidOperationException($"Raw insert stored {stored} rows, expected {prefill + rows}.");
        return new RawResult(rows, clock.Elapsed, use);
    }

    /// <param name="indexer">When given, the portal's search indexer runs on it whenever a batch of its size has been committed.</param>
    private static async Task InsertSqliteAsync(SqliteConnection connection, Row[] rows, int rowsPerTransaction, LedgerDbContext? indexer)
    {
        var unindexed = 0;
        using var entry = Command(connection, EntrySql, EntryColumns);
        using var content = Command(connection, ContentSql, ContentColumns);
        entry.Prepare();
        content.Prepare();
        for (var offset = 0; offset < rows.Length; offset += rowsPerTransaction)
        {
            using var transaction = connection.BeginTransaction();
            entry.Transaction = content.Transaction = transaction;
            for (var i = offset; i < Math.Min(rows.Length, offset + rowsPerTransaction); i++)
            {
                rows[i].BindEntry(entry.Parameters);
                entry.ExecuteNonQuery();
                rows[i].BindContent(content.Parameters);
                content.ExecuteNonQuery();
            }
            transaction.Commit();
            unindexed += Math.Min(rowsPerTransaction, rows.Length - offset);
            if (indexer is null || unindexed < SqliteSearchIndexer.DefaultBatchSize) continue;
            await SqliteSearchIndexer.CatchUpAsync(indexer);
            unindexed = 0;
        }
    }

    private static async Task InsertPostgresAsync(NpgsqlConnection connection, Row[] rows, int rowsPerTransaction)
    {
        var batches = new Dictionary<int, NpgsqlBatch>();
        var prepared = new HashSet<int>();
        try
        {
            for (var offset = 0; offset < rows.Length; offset += rowsPerTransaction)
            {
                var count = Math.Min(rowsPerTransaction, rows.Length - offset);
                if (!batches.TryGetValue(count, out var batch))
                {
                    batch = new NpgsqlBatch(connection);
                    for (var i = 0; i < count; i++)
                    {
                        batch.BatchCommands.Add(BatchCommand(batch, EntrySql, EntryColumns));
                        batch.BatchCommands.Add(BatchCommand(batch, ContentSql, ContentColumns));
                    }
                    batches[count] = batch;
                }
                for (var i = 0; i < count; i++)
                {
                    rows[offset + i].BindEntry(batch.BatchCommands[2 * i].Parameters);
                    rows[offset + i].BindContent(batch.BatchCommands[2 * i + 1].Parameters);
                }
                await using var transaction = await connection.BeginTransactionAsync();
                batch.Transaction = transaction;
                if (prepared.Add(count)) await batch.PrepareAsync();
                await batch.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
        }
        finally
        {
            foreach (var batch in batches.Values) await batch.DisposeAsync();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string[] columns)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var column in columns) command.Parameters.Add(new SqliteParameter("@" + column, null));
        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(NpgsqlBatch batch, string sql, string[] columns)
    {
        _ = batch;
        var command = new NpgsqlBatchCommand(sql);
        foreach (var column in columns) command.Parameters.Add(new NpgsqlParameter(column, null));
        return command;
    }

    /// <summary>
    /// Rows like the portal's: the indexed columns vary as the bench's events do (times restart with
    /// each chunk, as EventFactory's do); the search texts are the portal's own; the blobs are random (incompressible).
    /// </summary>
    private static Row[] Build(RowShape shape, IReadOnlyList<int> chunks)
    {
        var count = chunks.Sum();
        var random = new Random(12345);
        var applications = new[] { "support-bot", "claims-triage", "sales-assistant" };
        var models = new[] { ("gpt-4o-2024-08-06", "openai"), ("claude-sonnet-4-5", "anthropic"), ("gemini-2.5-pro", "gcp.gemini") };
        var epoch = DateTime.UtcNow.AddHours(-1);
        var rows = new Row[count];
        var indexInChunk = chunks.SelectMany(size => Enumerable.Range(0, size)).ToArray();
        for (var i = 0; i < count; i++)
        {
            var (model, provider) = models[indexInChunk[i] % models.Length];
            var id = $"raw-{i:D8}-";
            rows[i] = new Row(
                Sequence: i,
                EventId: id + new string('x', Math.Max(0, shape.EventIdChars - id.Length)),
                OccurredAt: epoch.AddMilliseconds(indexInChunk[i]),
                RecordedAt: epoch.AddMilliseconds(i + 500),
                ActorId: $"user-{indexInChunk[i] % 500:D4}",
                Application: applications[indexInChunk[i] % applications.Length],
                Model: model,
                Provider: provider,
                SearchText: shape.SearchTexts[i % shape.SearchTexts.Count],
                Envelope: RandomBytes(random, shape.EnvelopeBytes),
                LeafHash: RandomBytes(random, 32),
                Salt: RandomBytes(random, 32),
                Content: RandomBytes(random, shape.ContentBytes));
        }
        return rows;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private sealed record Row(long Sequence, string EventId, DateTime OccurredAt, DateTime RecordedAt, string ActorId,
        string Application, string Model, string Provider, string SearchText, byte[] Envelope, byte[] LeafHash, byte[] Salt, byte[] Content)
    {
        public void BindEntry(DbParameterCollection p)
        {
            p[0].Value = Sequence;
            p[1].Value = EventId;
            p[2].Value = "llm.call";
            p[3].Value = OccurredAt;
            p[4].Value = RecordedAt;
            p[5].Value = ActorId;
            p[6].Value = "user";
            p[7].Value = "bench";
            p[8].Value = Application;
            p[9].Value = Model;
            p[10].Value = Provider;
            p[11].Value = DBNull.Value;
            p[12].Value = DBNull.Value;
            p[13].Value = SearchText;
            p[14].Value = Envelope;
            p[15].Value = LeafHash;
        }

        public void BindContent(DbParameterCollection p)
        {
            p[0].Value = Sequence;
            p[1].Value = Salt;
            p[2].Value = Content;
        }
    }
}

public sealed record RawResult(long Rows, TimeSpan Elapsed, CpuUse Cpu)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
}
