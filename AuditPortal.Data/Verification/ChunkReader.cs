using System.Data.Common;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Reads the ledger for the verifier in chunks of consecutive sequences: entries with their content
/// (one joined, streamed query), the tree nodes they complete and the seals that cover them. Plain
/// ADO.NET for the per-entry rows, because EF's materialisation alone would cost more than hashing
/// (docs/benchmarks.md). Every statement is fixed text; the only input, a position, is a parameter.
/// </summary>
internal sealed class ChunkReader
{
    private readonly LedgerDbContext _db;
    private readonly string _entriesSql;
    private readonly string _nodesSql;
    private long _sealsReadUpTo;

    public ChunkReader(LedgerDbContext db, int chunkSize)
    {
        _db = db;
        var sql = db.GetService<ISqlGenerationHelper>();
        string P(string name) => sql.GenerateParameterNamePlaceholder(name);
        var paging = db.Provider == LedgerProvider.SqlServer
            ? $"OFFSET 0 ROWS FETCH NEXT {chunkSize} ROWS ONLY"
            : $"LIMIT {chunkSize}";
        _entriesSql =
            "SELECT e.sequence, e.envelope, e.leaf_hash, c.salt, c.content FROM ledger_entries e " +
            "LEFT JOIN ledger_contents c ON c.sequence = e.sequence " +
            $"WHERE e.sequence >= {P("start")} ORDER BY e.sequence {paging}";
        _nodesSql = $"SELECT node_key, hash FROM tree_nodes WHERE node_key >= {P("from")} AND node_key < {P("to")} ORDER BY node_key";
    }

    /// <returns>The chunk starting at <paramref name="start"/>, or null past the last entry.</returns>
    public async Task<Chunk?> ReadAsync(long start, CancellationToken cancellationToken)
    {
        var connection = _db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await _db.Database.OpenConnectionAsync(cancellationToken);

        var entries = new List<EntryRow>();
        await using (var command = Command(connection, _entriesSql, ("start", start)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new EntryRow(
                    reader.GetInt64(0),
                    reader.GetFieldValue<byte[]>(1),
                    reader.GetFieldValue<byte[]>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4)));
            }
        }
        if (entries.Count == 0) return null;
        var last = entries[^1].Sequence;

        var nodes = new List<NodeRow>();
        await using (var command = Command(connection, _nodesSql, ("from", start * 64), ("to", (last + 1) * 64)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) nodes.Add(new NodeRow(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        var sealedUpTo = _sealsReadUpTo;
        var seals = await _db.Seals.AsNoTracking()
            .Where(s => s.TreeSize > sealedUpTo && s.FirstSequence <= last)
            .OrderBy(s => s.TreeSize)
            .ToListAsync(cancellationToken);
        if (seals.Count > 0) _sealsReadUpTo = seals[^1].TreeSize;
        return new Chunk(entries, nodes, seals);
    }

    private DbCommand Command(DbConnection connection, string sql, params (string Name, long Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
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

internal sealed record Chunk(List<EntryRow> Entries, List<NodeRow> Nodes, List<LedgerSeal> Seals);

internal sealed record EntryRow(long Sequence, byte[] Envelope, byte[] LeafHash, byte[]? Salt, byte[]? Content);

internal sealed record NodeRow(long Key, byte[] Hash);
