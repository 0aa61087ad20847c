using System.Buffers;

namespace AuditPortal.Data.Canonical;

/// <summary>
/// One reusable output buffer per thread for rendering canonical JSON that is then copied out once.
/// A fresh ArrayBufferWriter per event grew through several arrays and left them all to the GC, which
/// on the ingestion path cost more than the rendering (docs/benchmarks.md, the `prepare` verb).
/// Take and Give in a try/finally; a nested Take gets a new buffer, so re-entrancy is safe.
/// </summary>
internal static class ScratchBuffer
{
    // Buffers that grew past this (a huge prompt template) are dropped rather than kept for the thread's life.
    private const int MaxKeptBytes = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _cached;

    public static ArrayBufferWriter<byte> Take()
    {
        var buffer = _cached ?? new ArrayBufferWriter<byte>(4096);
        _cached = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    public static void Give(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxKeptBytes) _cached = buffer;
    }
}
