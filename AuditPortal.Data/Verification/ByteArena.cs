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
        if (_buffer.Length - _used < bytes.Length)
        {
            _buffer = new byte[Math.Max(_buffer.Length * 2, bytes.Length)];
            _used = 0;
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        var slice = new ReadOnlyMemory<byte>(_buffer, _used, bytes.Length);
        _used += bytes.Length;
        return slice;
    }
}
