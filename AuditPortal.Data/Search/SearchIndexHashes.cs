using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace AuditPortal.Data.Search;

/// <summary>
/// The two hashes a partition's seal signs (<see cref="SearchIndexSealStatement"/>), computed the same
/// way when the portal seals and when <c>verify</c> checks. Statements are fixed text but for the
/// partition number.
/// </summary>
public static class SearchIndexHashes
{
    /// <summary>
    /// SHA-256 over the partition's source rows in sequence order, each as its sequence (8 bytes, big
    /// endian), the UTF-8 length of its search text (4 bytes, big endian) and that text. Binds a seal
    /// to the text the partition was checked against: <c>verify</c> checks that text against the envelopes.
    /// </summary>
    public static async Task<byte[]> TextHashAsync(SqliteConnection connection, SqliteTransaction transaction, long partition, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[12];
        await using var command = SearchIndexStatements.Command(connection, transaction, $"SELECT sequence, search_text FROM {SqliteSearchIndex.SourceView(partition)} ORDER BY sequence");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var text = System.Text.Encoding.UTF8.GetBytes(reader.GetString(1));
            BinaryPrimitives.WriteInt64BigEndian(header, reader.GetInt64(0));
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), text.Length);
            hash.AppendData(header);
            hash.AppendData(text);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// SHA-256 over every row of the partition's FTS5 tables (<c>_data</c>, <c>_idx</c>, <c>_config</c>,
    /// the whole index: there is no content or size table), each table in key order and each value with
    /// its type: 1 and 8 bytes for an integer, 4 and 8 for a real, 2 or 3 and a 4-byte length for text or a
    /// blob, 0 for null.
    /// A full partition is never written again, so the hash stays what it was when the partition was sealed.
    /// </summary>
    public static async Task<byte[]> IndexHashAsync(SqliteConnection connection, SqliteTransaction transaction, long partition, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var table = SqliteSearchIndex.Table(partition);
        foreach (var sql in new[]
                 {
                     $"SELECT id, block FROM {table}_data ORDER BY id",
                     $"SELECT segid, term, pgno FROM {table}_idx ORDER BY segid, term",
                     $"SELECT k, v FROM {table}_config ORDER BY k",
                 })
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(sql));
            await using var command = SearchIndexStatements.Command(connection, transaction, sql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                for (var column = 0; column < reader.FieldCount; column++)
                    AppendValue(hash, reader, column);
        }
        return hash.GetHashAndReset();
    }

    private static void AppendValue(IncrementalHash hash, SqliteDataReader reader, int column)
    {
        Span<byte> header = stackalloc byte[9];
        if (reader.IsDBNull(column))
        {
            hash.AppendData([0]);
            return;
        }
        var type = reader.GetFieldType(column);
        if (type == typeof(long) || type == typeof(double))
        {
            header[0] = type == typeof(long) ? (byte)1 : (byte)4;
            BinaryPrimitives.WriteInt64BigEndian(header[1..], type == typeof(long) ? reader.GetInt64(column) : BitConverter.DoubleToInt64Bits(reader.GetDouble(column)));
            hash.AppendData(header);
            return;
        }
        var bytes = type == typeof(string) ? System.Text.Encoding.UTF8.GetBytes(reader.GetString(column)) : (byte[])reader.GetValue(column);
        header[0] = type == typeof(string) ? (byte)2 : (byte)3;
        BinaryPrimitives.WriteInt32BigEndian(header[1..5], bytes.Length);
        hash.AppendData(header[..5]);
        hash.AppendData(bytes);
    }
}
