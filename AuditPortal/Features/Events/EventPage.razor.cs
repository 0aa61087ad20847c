using System.Globalization;
using AuditPortal.Components;
using AuditPortal.Configuration;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Events;

/// <summary>
/// One event: its envelope, its content as text, its stored bytes and leaf hash, and its inclusion in the latest
/// checkpoint checked here on the server. The ledger is read only once the circuit is connected, so a prerender
/// does not record a second view; a view the ledger cannot record is not shown.
/// </summary>
public sealed partial class EventPage
{
    private const string Via = "dashboard";

    [Parameter] public string Sequence { get; set; } = "";
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private EventDetailService Details { get; set; } = default!;
    [Inject] private ProofService Proofs { get; set; } = default!;
    [Inject] private SigningKeyHolder Keys { get; set; } = default!;
    [Inject] private LedgerLocation Location { get; set; } = default!;
    [Inject] private IOptions<PortalOptions> Options { get; set; } = default!;
    [Inject] private ViewerTimeZone TimeZone { get; set; } = default!;
    [Inject] private ILogger<EventPage> Logger { get; set; } = default!;

    private PageState _state = PageState.Loading;
    private long _sequence;
    private string? _loaded;
    private EventDetail? _detail;
    private EventPageFields? _fields;
    private EventPageContent? _content;
    private EventProof? _proof;
    private string? _proofError;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;

    private enum PageState { Loading, BadSequence, NotFound, NotRecorded, Shown }

    protected override async Task OnParametersSetAsync()
    {
        // Prerendering would read (and record a view) once more than the reviewer asked for.
        if (!RendererInfo.IsInteractive || _loaded == Sequence) return;
        _loaded = Sequence;
        _detail = null;
        _proof = null;
        _proofError = null;
        if (!long.TryParse(Sequence, NumberStyles.None, CultureInfo.InvariantCulture, out _sequence))
        {
            _state = PageState.BadSequence;
            return;
        }
        _state = PageState.Loading;
        _zone = await TimeZone.GetAsync();

        var reader = ReadActor.From((await AuthenticationState).User);
        try
        {
            _detail = await Details.ReadAsync(_sequence, reader, Via, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogViewNotRecorded(Logger, _sequence, e);
            _state = PageState.NotRecorded;
            return;
        }
        if (_detail is null)
        {
            _state = PageState.NotFound;
            return;
        }
        _fields = EventPageFields.Read(_detail.Envelope);
        _content = _detail.ContentText is { } text ? EventPageContent.Read(text) : null;
        _state = PageState.Shown;

        try
        {
            _proof = await EventProofCheck.VerifyAsync(_detail, Proofs, Keys.Signer.Verifier, Location.Origin,
                Options.Value.Checkpoints.Interval, reader, Via, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A proof the stored tree cannot answer (a node missing), or whose access the ledger cannot record: the
            // event was already shown and recorded, so the badge says the inclusion is unverified rather than failing the page.
            LogProofFailed(Logger, _sequence, e);
            _proofError = e.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The view of event {Sequence} could not be recorded; the event was not shown")]
    private static partial void LogViewNotRecorded(ILogger logger, long sequence, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The inclusion proof of event {Sequence} could not be obtained")]
    private static partial void LogProofFailed(ILogger logger, long sequence, Exception exception);
}
