using System.Globalization;
using AuditPortal.Data.Canonical;

namespace AuditPortal.Data.Ledger;

/// <summary>
/// Canonical envelope _bytes with the two values only the append transaction knows, the sequence and
/// the recording time, left out at known offsets. Filling them in is a copy, so the costly canonical
/// rendering can happen before the writer takes the append lock.
/// </summary>
internal sealed class OpenEnvelope
{
    // "\"" + 2026-11-26T14:36:12.1234567Z + "\"": the canonical timestamp form has a fixed width.
    private const int RecordedAtLength = 30;

    private readonly byte[] _bytes;
    private readonly int _sequenceOffset;
    private readonly int _recordedAtOffset;

    public OpenEnvelope(byte[] bytes, int sequenceOffset, int recordedAtOffset)
    {
        if (recordedAtOffset < 0 || sequenceOffset <= recordedAtOffset || sequenceOffset > bytes.Length)
            throw new ArgumentException("The envelope's open values are not where its sorted keys put them.");
        _bytes = bytes;
        _sequenceOffset = sequenceOffset;
        _recordedAtOffset = recordedAtOffset;
    }

    /// <summary>The most bytes <see cref="Render(long, DateTime, Span{byte})"/> writes.</summary>
    public int MaxLength => _bytes.Length + RecordedAtLength + 20;

    public byte[] Render(long sequence, DateTime recordedAtUtc)
    {
        var result = new byte[_bytes.Length + RecordedAtLength + SequenceLength(sequence)];
        Render(sequence, recordedAtUtc, result);
        return result;
    }

    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public int Render(long sequence, DateTime recordedAtUtc, Span<byte> destination)
    {
        if (sequence is < 0 or > CanonicalJson.MaxSafeInteger) throw new ArgumentOutOfRangeException(nameof(sequence));
        Span<byte> sequenceText = stackalloc byte[20];
        sequence.TryFormat(sequenceText, out var sequenceLength, provider: CultureInfo.InvariantCulture);
        Span<byte> recordedAt = stackalloc byte[RecordedAtLength];
        recordedAt[0] = (byte)'"';
        if (!recordedAtUtc.TryFormat(recordedAt[1..], out var timeLength, Timestamps.CanonicalFormat, CultureInfo.InvariantCulture)
            || timeLength != RecordedAtLength - 2)
            throw new InvalidOperationException("A canonical timestamp did not have its fixed width.");
        recordedAt[^1] = (byte)'"';

        // Keys are sorted, so "recordedAt" always comes before "sequence".
        var length = _bytes.Length + RecordedAtLength + sequenceLength;
        var source = _bytes.AsSpan();
        var target = destination[..length];
        source[.._recordedAtOffset].CopyTo(target);
        recordedAt.CopyTo(target[_recordedAtOffset..]);
        source[_recordedAtOffset.._sequenceOffset].CopyTo(target[(_recordedAtOffset + RecordedAtLength)..]);
        sequenceText[..sequenceLength].CopyTo(target[(_sequenceOffset + RecordedAtLength)..]);
        source[_sequenceOffset..].CopyTo(target[(_sequenceOffset + RecordedAtLength + sequenceLength)..]);
        return length;
    }

    private static int SequenceLength(long sequence)
    {
        Span<byte> text = stackalloc byte[20];
        return sequence.TryFormat(text, out var length, provider: CultureInfo.InvariantCulture) ? length : 20;
    }
}
