using System.Buffers;
using System.Security.Cryptography;

namespace AuditPortal.Data.Ledger.Appending;

/// <summary>
/// An event made ready to append before the writer takes the append lock: its salt, content
/// commitment, search text and canonical envelope, with only the position and recording time left
/// open. Preparing on the caller's thread keeps canonical rendering off the writer's serial path
/// (docs/benchmarks.md).
/// </summary>
public sealed class PreparedEvent
{
    private readonly OpenEnvelope _envelope;

    public PreparedEvent(EventDraft draft)
    {
        Draft = draft;
        Salt = RandomNumberGenerator.GetBytes(32);
        _envelope = Envelope.Template(draft, Envelope.Commitment(Salt, draft.Content));
        // Derived from envelope bytes, as verify recomputes it. It leaves out the two open values, so
        // any sequence and time give the same text; rendering here keeps it off the writer's serial path.
        var rendered = ArrayPool<byte>.Shared.Rent(_envelope.MaxLength);
        try
        {
            SearchText = EnvelopeSearchText.Of(rendered.AsSpan(0, _envelope.Render(0, DateTime.UnixEpoch, rendered)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rendered);
        }
    }

    public EventDraft Draft { get; }
    public byte[] Salt { get; }
    public string SearchText { get; }

    internal byte[] RenderEnvelope(long sequence, DateTime recordedAtUtc) => _envelope.Render(sequence, recordedAtUtc);
}
