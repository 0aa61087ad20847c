using System.Data.Common;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Reads the ledger for the verifier in chunks of consecutive sequences: entries with their content
/// (one joined, streamed query), the tree nodes they complete and the seals that cover them, on one
/// connection (several readers can share a snapshot: <see cref="OrderedChunkReads"/>). Plain ADO.NET:
/// EF's materialisation alone would cost more than hashing, and a second reader's connection has no
/// context. On SQLite its own statement API, because Microsoft.Data.Sqlite allocates an array per blob,
/// with each column read by <see cref="SqliteColumns"/> (one call into SQLite instead of three).
/// Blobs are copied into a reused arena, not into arrays of their own: per-blob arrays cost more
/// than reading and hashing together (docs/benchmarks.md). Every statement is fixed text; the only input, a position, is a
/// parameter.
/// </summary>
internal sealed class ChunkReader
{
    private readonly LedgerDbContext _db;
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly int _chunkSize;
    private readonly string _entriesSql;
    private readonly string _nodesSql;
    private readonly string _sealsSql;
    private readonly bool _textAsUtf8;
    private readonly ChunkBufferPool _buffers;

    /// <param name="db">The ledger: its provider and SQL dialect, and the connection unless <paramref name="connection"/> is given.</param>
    /// <param name="connection">An open connection of the same database, with <paramref name="transaction"/> (a second reader of one snapshot).</param>
    public ChunkReader(LedgerDbContext db, int chunkSize, ChunkBufferPool buffers, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        _db = db;
        _connection = connection ?? db.Database.GetDbConnection();
        _transaction = connection is null ? db.Database.CurrentTransaction?.GetDbTransaction() : transaction;
        _buffers = buffers;
        _chunkSize = chunkSize;
        var sql = db.GetService<ISqlGenerationHelper>();
        string P(string name) => sql.GenerateParameterNamePlaceholder(name);
        var paging = db.Provider == LedgerProvider.SqlServer
            ? $"OFFSET 0 ROWS FETCH NEXT {chunkSize} ROWS ONLY"
            : $"LIMIT {chunkSize}";
        _entriesSql =
            "SELECT e.sequence, e.envelope, e.leaf_hash, c.salt, c.content, " +
            // The copies of envelope fields that reads select on, in CopyColumn order.
            "e.event_id, e.type, e.occurred_at, e.recorded_at, e.actor_id, e.actor_kind, e.submitted_by, " +
            "e.application, e.model, e.provider, e.prompt_name, e.prompt_version, e.search_text FROM ledger_entries e " +
            // The bounds on c repeat those on e so that a merge join (PostgreSQL's choice once the
            // tables are analysed) starts at the chunk instead of scanning every earlier content row.
            $"LEFT JOIN ledger_contents c ON c.sequence = e.sequence AND c.sequence >= {P("start")} AND c.sequence < {P("end")} " +
            $"WHERE e.sequence >= {P("start")} AND e.sequence < {P("end")} ORDER BY e.sequence {paging}";
        _nodesSql = $"SELECT node_key, hash FROM tree_nodes WHERE node_key >= {P("from")} AND node_key < {P("to")} ORDER BY node_key";
        // A valid seal starting at or after "from" ends after it: the bound on tree_size lets the
        // primary key find the first candidate.
        _sealsSql = "SELECT tree_size, first_sequence, root_hash, leaf_hashes, key_id, signature FROM ledger_seals " +
                    $"WHERE tree_size > {P("after")} AND first_sequence >= {P("from")} AND first_sequence <= {P("last")} ORDER BY tree_size";
        _textAsUtf8 = db.Provider == LedgerProvider.Postgres && NpgsqlReadsUtf8(db.Database.GetConnectionString());
    }

    /// <summary>The chunk query (parameters start and end), for the plan tests.</summary>
    internal string EntriesSql => _entriesSql;

    /// <summary>Opens the context's own connection (if it is not open) and reads on it, in its current transaction.</summary>
    public static async Task<ChunkReader> OpenAsync(LedgerDbContext db, int chunkSize, ChunkBufferPool buffers, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(cancellationToken);
        return new ChunkReader(db, chunkSize, buffers);
    }

    /// <returns>
    /// The chunk starting at <paramref name="start"/>, or null past the last entry. Its seals are those
    /// that start from <paramref name="start"/> (from the beginning, for the first chunk) up to its last
    /// entry: read chunk after chunk, that is every seal, each once, wherever the chunks end.
    /// </returns>
    /// <remarks>
    /// Positions are gapless, so an intact ledger holds a whole chunk in [start, start + chunk size), and
    /// the query asks for that window rather than for "the next rows from start". Unbounded, the query
    /// is only as good as the planner's statistics: on a ledger autovacuum had not analysed yet,
    /// PostgreSQL estimated 6,000 rows from start where there were 130,000, and joined, then sorted,
    /// everything from start to the end for every chunk (a second per chunk at 130,000 entries, growing
    /// with the ledger). Bounded, the worst plan still handles one chunk. Only an empty window (past the
    /// end, or a gap someone made) asks again without the upper bound, to find what lies beyond.
    /// <para>Synchronous: a read keeps its thread until done either way, as on SQLite, whose provider
    /// completes its "async" calls synchronously. Asynchronous, each network read was a hand-off
    /// through the socket engine and the thread pool, and a warm run on PostgreSQL took about a sixth
    /// longer (docs/benchmarks.md). The caller's token cancels the statement in flight.</para>
    /// </remarks>
    public Chunk? Read(long start, CancellationToken cancellationToken)
    {
        try
        {
            var buffers = _buffers.Rent();
            var (entries, nodes) = ReadWindow(start, start + _chunkSize, buffers, cancellationToken);
            if (entries.Count == 0) (entries, nodes) = ReadWindow(start, long.MaxValue, buffers, cancellationToken);
            if (entries.Count == 0)
            {
                _buffers.Return(buffers);
                return null;
            }
            var seals = ReadSeals(start == 0 ? long.MinValue : start, entries[^1].Sequence, cancellationToken);
            return new Chunk(entries, nodes, seals, buffers);
        }
        catch (DbException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private List<LedgerSeal> ReadSeals(long from, long last, CancellationToken cancellationToken)
    {
        var seals = new List<LedgerSeal>();
        using (var command = Command(_sealsSql, ("after", Math.Max(from, 0)), ("from", from), ("last", last)))
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                seals.Add(new LedgerSeal
                {
                    TreeSize = reader.GetInt64(0),
                    FirstSequence = reader.GetInt64(1),
                    RootHash = reader.GetFieldValue<byte[]>(2),
                    LeafHashes = reader.GetFieldValue<byte[]>(3),
                    KeyId = reader.GetInt64(4),
                    Signature = reader.GetFieldValue<byte[]>(5),
                });
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return seals;
    }

    private (List<EntryRow>, List<NodeRow>) ReadWindow(long start, long end, ChunkBuffers buffers, CancellationToken cancellationToken)
    {
        buffers.Reset();
        return _connection is SqliteConnection sqlite
            ? ReadSqlite(sqlite, start, end, buffers)
            : ReadAdo(start, end, buffers, cancellationToken);
    }

    private (List<EntryRow>, List<NodeRow>) ReadAdo(long start, long end, ChunkBuffers buffers, CancellationToken cancellationToken)
    {
        var (arena, entries, nodes) = (buffers.Arena, buffers.Entries, buffers.Nodes);
        using (var command = Command(_entriesSql, ("start", start), ("end", end)))
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                entries.Add(new EntryRow(
                    reader.GetInt64(0),
                    Blob(reader, 1, arena),
                    Blob(reader, 2, arena),
                    NullableBlob(reader, 3, arena),
                    NullableBlob(reader, 4, arena),
                    Copies(reader, arena, _textAsUtf8)));
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (entries.Count == 0) return (entries, nodes);
        using (var command = Command(_nodesSql, ("from", start * 64), ("to", (entries[^1].Sequence + 1) * 64)))
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) nodes.Add(new NodeRow(reader.GetInt64(0), Blob(reader, 1, arena)));
        }
        cancellationToken.ThrowIfCancellationRequested();
        return (entries, nodes);
    }

    /// <summary>A blob copied from the provider's row buffer into the arena, not into an array of its own.</summary>
    private static ReadOnlyMemory<byte> Blob(DbDataReader reader, int ordinal, ByteArena arena)
    {
        var slice = arena.Reserve((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        var copied = reader.GetBytes(ordinal, 0, slice.Array, slice.Offset, slice.Count);
        return copied == slice.Count ? slice : throw new InvalidOperationException("The provider returned fewer bytes than the blob holds.");
    }

    private (List<EntryRow>, List<NodeRow>) ReadSqlite(SqliteConnection connection, long start, long end, ChunkBuffers buffers)
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var (arena, entries, nodes) = (buffers.Arena, buffers.Entries, buffers.Nodes);
        using (var statement = SqliteCall.Prepare(database, _entriesSql))
        {
            // A name used twice is one parameter; numbered in order of first appearance: start, end.
            SqliteCall.Check(database, raw.sqlite3_bind_int64(statement, 1, start));
            SqliteCall.Check(database, raw.sqlite3_bind_int64(statement, 2, end));
            var row = SqliteColumns.Pointer(statement);
            while (SqliteCall.StepRow(database, statement))
            {
                entries.Add(new EntryRow(
                    Int64(row, 0),
                    SqliteColumns.Copy(row, 1, arena),
                    SqliteColumns.Copy(row, 2, arena),
                    Blob(row, 3, arena),
                    Blob(row, 4, arena),
                    Copies(row, arena)));
            }
        }
        if (entries.Count == 0) return (entries, nodes);
        using (var statement = SqliteCall.Prepare(database, _nodesSql))
        {
            SqliteCall.Check(database, raw.sqlite3_bind_int64(statement, 1, start * 64));
            SqliteCall.Check(database, raw.sqlite3_bind_int64(statement, 2, (entries[^1].Sequence + 1) * 64));
            var row = SqliteColumns.Pointer(statement);
            while (SqliteCall.StepRow(database, statement))
                nodes.Add(new NodeRow(Int64(row, 0), SqliteColumns.Copy(row, 1, arena)));
        }
        return (entries, nodes);
    }

    private const int FirstCopyColumn = 5;

    /// <summary>
    /// Whether Npgsql hands text over as PostgreSQL sent it, in UTF-8: its default, unless the
    /// connection string names another encoding. Npgsql then reads a text column's bytes with
    /// <see cref="DbDataReader.GetBytes"/>, which skips decoding each value to a string and encoding it
    /// back: those strings were half of a warm run's allocation on PostgreSQL (docs/benchmarks.md).
    /// </summary>
    internal static bool NpgsqlReadsUtf8(string? connectionString)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return IsUtf8(settings.Encoding) && (settings.ClientEncoding is null || IsUtf8(settings.ClientEncoding));
        static bool IsUtf8(string name) => name.Replace("-", "").Equals("UTF8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The copy columns as the provider hands them over: strings and times as typed values.</summary>
    /// <param name="textAsUtf8">Text columns can be read as their UTF-8 bytes (<see cref="NpgsqlReadsUtf8"/>).</param>
    private static CopyColumns Copies(DbDataReader reader, ByteArena arena, bool textAsUtf8)
    {
        ReadOnlyMemory<byte>? Text(CopyColumn column)
        {
            var ordinal = FirstCopyColumn + (int)column;
            if (reader.IsDBNull(ordinal)) return null;
            if (textAsUtf8) return Blob(reader, ordinal, arena);
            var text = reader.GetString(ordinal);
            var slice = arena.Reserve(System.Text.Encoding.UTF8.GetByteCount(text));
            System.Text.Encoding.UTF8.GetBytes(text, slice);
            return slice;
        }
        StoredTime Time(CopyColumn column)
        {
            var ordinal = FirstCopyColumn + (int)column;
            return reader.IsDBNull(ordinal) ? new StoredTime(null, default) : new StoredTime(reader.GetDateTime(ordinal).Ticks, default);
        }
        var version = FirstCopyColumn + (int)CopyColumn.PromptVersion;
        return new CopyColumns(
            Text(CopyColumn.EventId), Text(CopyColumn.Type), Time(CopyColumn.OccurredAt), Time(CopyColumn.RecordedAt),
            Text(CopyColumn.ActorId), Text(CopyColumn.ActorKind), Text(CopyColumn.SubmittedBy),
            Text(CopyColumn.Application), Text(CopyColumn.Model), Text(CopyColumn.Provider), Text(CopyColumn.PromptName),
            reader.IsDBNull(version) ? null : Convert.ToInt64(reader.GetValue(version), System.Globalization.CultureInfo.InvariantCulture),
            Text(CopyColumn.SearchText), WrongTypes: 0);
    }

    /// <summary>
    /// The copy columns as SQLite stores them. SQLite keeps any value in any column and compares values
    /// of different storage classes as unequal, so a right-looking value of the wrong type (a blob in a
    /// text column) hides a row from filters as well as a wrong value does: it counts as a mismatch.
    /// Times are kept as the stored text, which queries compare textually.
    /// </summary>
    private static CopyColumns Copies(nint statement, ByteArena arena)
    {
        var wrongTypes = 0;
        ReadOnlyMemory<byte>? Text(CopyColumn column)
        {
            var ordinal = FirstCopyColumn + (int)column;
            var type = SqliteColumns.Read(statement, ordinal, arena, out var bytes);
            if (type == raw.SQLITE_NULL) return null;
            if (type != raw.SQLITE_TEXT) wrongTypes |= 1 << (int)column;
            return bytes;
        }
        StoredTime Time(CopyColumn column) => new(null, Text(column));
        long? version = null;
        var versionOrdinal = FirstCopyColumn + (int)CopyColumn.PromptVersion;
        switch (SqliteColumns.ReadInt64(statement, versionOrdinal, out var number))
        {
            case raw.SQLITE_NULL: break;
            case raw.SQLITE_INTEGER: version = number; break;
            default: wrongTypes |= 1 << (int)CopyColumn.PromptVersion; break;
        }
        return new CopyColumns(
            Text(CopyColumn.EventId), Text(CopyColumn.Type), Time(CopyColumn.OccurredAt), Time(CopyColumn.RecordedAt),
            Text(CopyColumn.ActorId), Text(CopyColumn.ActorKind), Text(CopyColumn.SubmittedBy),
            Text(CopyColumn.Application), Text(CopyColumn.Model), Text(CopyColumn.Provider), Text(CopyColumn.PromptName),
            version, Text(CopyColumn.SearchText), wrongTypes);
    }

    private static long Int64(nint statement, int column)
    {
        SqliteColumns.ReadInt64(statement, column, out var number);
        return number;
    }

    // Not "IsNull ? null : blob": that conditional's type is ReadOnlyMemory<byte>, and null converts
    // to it (through byte[]) as an empty blob, so a deleted content row read as edited content.
    private static ReadOnlyMemory<byte>? Blob(nint statement, int column, ByteArena arena)
    {
        if (SqliteColumns.Read(statement, column, arena, out var bytes) == raw.SQLITE_NULL) return null;
        return bytes;
    }

    private static ReadOnlyMemory<byte>? NullableBlob(DbDataReader reader, int ordinal, ByteArena arena)
    {
        if (reader.IsDBNull(ordinal)) return null;
        return Blob(reader, ordinal, arena);
    }

    private DbCommand Command(string sql, params (string Name, long Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        var helper = _db.GetService<ISqlGenerationHelper>();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = helper.GenerateParameterName(name);
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

/// <param name="Buffers">What the entries and nodes were read into: back to the pool once the chunk is checked.</param>
internal sealed record Chunk(List<EntryRow> Entries, List<NodeRow> Nodes, List<LedgerSeal> Seals, ChunkBuffers Buffers);

internal readonly record struct EntryRow(
    long Sequence, ReadOnlyMemory<byte> Envelope, ReadOnlyMemory<byte> LeafHash, ReadOnlyMemory<byte>? Salt, ReadOnlyMemory<byte>? Content,
    CopyColumns Copies);

internal readonly record struct NodeRow(long Key, ReadOnlyMemory<byte> Hash);
