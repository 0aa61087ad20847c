using System.Runtime.InteropServices;
using SQLitePCL;

namespace AuditPortal.Data.Verification;

/// <summary>
/// Reads a stepped SQLite row's columns by calling the bundled SQLite library directly with the
/// statement's pointer. The verifier reads about 20 columns a row; through SQLitePCL.raw each read
/// is three calls (type, blob, length), each taking a SafeHandle reference and the connection's lock,
/// and that overhead was half of the read stage, the stage a run waits for (docs/benchmarks.md).
/// Here a column is one locked call (<c>sqlite3_column_value</c>) and three that read the value.
/// </summary>
/// <remarks>
/// <para>The library is the one SQLitePCL.raw's e_sqlite3 provider loads (the application's only native
/// asset of that name), so the pointer is valid here. The caller keeps the statement alive, and reads
/// the row on the thread that stepped it, before stepping again.</para>
/// <para><c>sqlite3_column_value</c>'s value is "unprotected": SQLite's documentation allows reading it
/// only while no other thread uses the connection. The verifier's connection is its own for the
/// whole run (ADO.NET connections are never shared between threads), so that holds.</para>
/// <para>The functions return what the step already loaded for the current row: they are short and
/// never block, so they skip the GC transition.</para>
/// </remarks>
internal static class SqliteColumns
{
    private const string Library = "e_sqlite3";

    [DllImport(Library, EntryPoint = "sqlite3_column_value"), SuppressGCTransition]
    private static extern nint ColumnValue(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_value_type"), SuppressGCTransition]
    private static extern int ValueType(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_int64"), SuppressGCTransition]
    private static extern long ValueInt64(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_blob"), SuppressGCTransition]
    private static extern nint ValueBlob(nint value);

    [DllImport(Library, EntryPoint = "sqlite3_value_bytes"), SuppressGCTransition]
    private static extern int ValueBytes(nint value);

    /// <summary>The statement's pointer, for the calls below; valid while <paramref name="statement"/> is.</summary>
    public static nint Pointer(sqlite3_stmt statement) => statement.DangerousGetHandle();

    /// <summary>The column's storage class (<c>raw.SQLITE_INTEGER</c>, …) and, unless NULL, its integer value.</summary>
    public static int ReadInt64(nint statement, int column, out long number)
    {
        var value = ColumnValue(statement, column);
        var type = ValueType(value);
        number = type == raw.SQLITE_NULL ? 0 : ValueInt64(value);
        return type;
    }

    /// <summary>The column's storage class and, unless NULL, its bytes (text as UTF-8) copied into the arena.</summary>
    public static int Read(nint statement, int column, ByteArena arena, out ReadOnlyMemory<byte> bytes)
    {
        var value = ColumnValue(statement, column);
        var type = ValueType(value);
        if (type == raw.SQLITE_NULL)
        {
            bytes = default;
            return type;
        }
        // Blob before length: SQLite's documented order, so that the length is the blob's.
        var pointer = ValueBlob(value);
        var length = ValueBytes(value);
        var slice = arena.Reserve(length);
        if (length > 0) Marshal.Copy(pointer, slice.Array!, slice.Offset, length);
        bytes = slice;
        return type;
    }

    /// <summary>A column's bytes; a NULL (never stored by the portal in the columns read this way) reads as empty.</summary>
    public static ReadOnlyMemory<byte> Copy(nint statement, int column, ByteArena arena)
    {
        Read(statement, column, arena, out var bytes);
        return bytes;
    }
}
