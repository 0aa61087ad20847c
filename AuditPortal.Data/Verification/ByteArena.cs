namespace AuditPortal.Data.Verification;

/// <summary>
/// One growing buffer that a chunk's blobs are copied into, reused for a later chunk once the
/// verifier is done with this one, so reading allocates per chunk rather than per column and row.
/// Growing starts a new buffer; slices handed out earlier keep the old one alive until they go.
/// </summary>
internal sealed class ByteArena
{
    private byte[] _buffer = new byte[1 << 20];
    private int _used;

    public void Reset() => _used = 0;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        var slice = Reserve(bytes.Length);
        bytes.CopyTo(slice);
        return slice;
    }

    /// <summary>Room for <paramref name="length"/> bytes, for a reader that fills it in.</summary>
    public ArraySegment<byte> Reserve(int length)
    {
        if (_buffer.Length - _used < length)
        {
            _buffer = new byte[Math.Max(_buffer.Length * 2, length)];
            _used = 0;
        }
        var slice = new ArraySegment<byte>(_buffer, _used, length);
        _used += length;
        return slice;
    }
}
