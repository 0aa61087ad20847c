using System.Data.Common;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Tampering;

/// <summary>
/// What a database administrator can do to the ledger with plain SQL: switch the append-only
/// triggers off and rewrite rows, including recomputing every hash the database stores. The one
/// thing they do not have is the signing key file.
/// </summary>
public sealed class Attacker(TestLedger ledger)
{
    private static readonly string[] Tables = ["ledger_entries", "ledger_contents", "tree_nodes", "ledger_seals", "checkpoints"];

    public async Task DisableTriggersAsync()
    {
        if (ledger.Provider == LedgerProvider.Postgres)
        {
            foreach (var table in Tables) await ledger.ExecuteAsync($"ALTER TABLE {table} DISABLE TRIGGER USER");
            return;
        }
        await using var connection = ledger.OpenConnection();
        var triggers = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            // The append-only guards (the text search index has no trigger: it follows the log).
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) triggers.Add(reader.GetString(0));
        }
        foreach (var trigger in triggers)
        {
            await using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP TRIGGER \"{trigger}\"";
            await drop.ExecuteNonQueryAsync();
        }
    }

    public async Task<byte[]> ReadAsync(string table, string column, long sequence)
    {
        await using var connection = ledger.OpenConnection();
        await using var command = Command(connection, $"SELECT {column} FROM {table} WHERE sequence = @s", ("s", sequence));
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    public async Task WriteAsync(string table, string column, long sequence, byte[] value)
    {
        await using var connection = ledger.OpenConnection();
        await using var command = Command(connection, $"UPDATE {table} SET {column} = @v WHERE sequence = @s", ("v", value), ("s", sequence));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Sets one column of one row to any value (a string, a time, a number or null).</summary>
    public async Task SetAsync(string table, string column, long sequence, object? value)
    {
        await using var connection = ledger.OpenConnection();
        await using var command = Command(connection, $"UPDATE {table} SET {column} = @v WHERE sequence = @s", ("v", value ?? DBNull.Value), ("s", sequence));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Drops every index of a table that covers the column, unique ones included.</summary>
    public async Task DropIndexesOnAsync(string table, string column)
    {
        var sql = ledger.Provider == LedgerProvider.Postgres
            ? "SELECT indexname FROM pg_indexes WHERE tablename = @t AND indexdef LIKE @c AND indexname NOT LIKE 'pk_%'"
            : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @t AND sql LIKE @c";
        var names = new List<string>();
        await using var connection = ledger.OpenConnection();
        await using (var list = Command(connection, sql, ("t", table), ("c", $"%{column}%")))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            await using var drop = Command(connection, $"DROP INDEX \"{name}\"");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Edits an envelope's text; with <paramref name="rehash"/> also its leaf hash and every stored tree node.</summary>
    public async Task EditEnvelopeAsync(long sequence, string from, string to, bool rehash)
    {
        var envelope = System.Text.Encoding.UTF8.GetString(await ReadAsync("ledger_entries", "envelope", sequence));
        Assert.Contains(from, envelope);
        var edited = System.Text.Encoding.UTF8.GetBytes(envelope.Replace(from, to, StringComparison.Ordinal));
        await WriteAsync("ledger_entries", "envelope", sequence, edited);
        if (!rehash) return;
        await WriteAsync("ledger_entries", "leaf_hash", sequence, MerkleHash.Leaf(edited));
        await RebuildTreeNodesAsync();
    }

    /// <summary>Recomputes tree_nodes from the stored leaf hashes, as a careful attacker would.</summary>
    public async Task RebuildTreeNodesAsync()
    {
        await using var connection = ledger.OpenConnection();
        var leaves = new List<byte[]>();
        await using (var read = Command(connection, "SELECT leaf_hash FROM ledger_entries ORDER BY sequence"))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) leaves.Add((byte[])reader[0]);
        await using (var clear = Command(connection, "DELETE FROM tree_nodes")) await clear.ExecuteNonQueryAsync();
        var range = new CompactRange();
        var nodes = new List<(long Key, byte[] Hash)>();
        foreach (var leaf in leaves) range.Append(leaf, (id, hash) => nodes.Add((id.StorageKey, hash)));
        foreach (var (key, hash) in nodes)
        {
            await using var insert = Command(connection, "INSERT INTO tree_nodes (node_key, hash) VALUES (@k, @h)", ("k", key), ("h", hash));
            await insert.ExecuteNonQueryAsync();
        }
    }

    public Task<int> ExecuteAsync(string sql) => ledger.ExecuteAsync(sql);

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
