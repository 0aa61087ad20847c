using AuditPortal.Components.EventFilters;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Features.Evidence;

/// <summary>
/// The evidence page: the timeline's filters and URL (a timeline link with /timeline replaced by
/// /evidence opens the same filters), a preview of what a pack of them would hold, and the export,
/// which runs in <see cref="EvidenceJobs"/> so that it outlives the page. The preview counts and
/// reads no audited data, so it is not an access event; the export is, in the exporter's name.
/// </summary>
public sealed partial class EvidencePage
{
    private static readonly HashSet<string> Fields = ["actor", "type", "application", "model", "prompt", "promptVersion", "from", "to", "q"];

    [Inject] private EvidenceExporter Exporter { get; set; } = default!;
    [Inject] private EvidenceJobs Jobs { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    // Not "AuthenticationState": the base class's cascading parameter has that name.
    [CascadingParameter] private Task<AuthenticationState> SignedIn { get; set; } = default!;

    private bool _includeContent = true;
    // The filters the preview shown was counted for: exactly what Export packs.
    private EventQuery? _previewed;
    private string? _exportError;

    protected override string PagePath => "/evidence";
    protected override IReadOnlySet<string> FieldNames => Fields;
    protected override string FailureText => "The preview could not be counted";

    // A pack holds every matching event: a page's cursor or size would silently leave some out.
    protected override void Check(IReadOnlyDictionary<string, StringValues> query, FieldErrors errors)
    {
        foreach (var name in new[] { "cursor", "limit" }.Where(query.ContainsKey))
            errors.Add(name, "is not used here: a pack holds every event the filters match; remove it");
    }

    protected override async Task<EvidencePreview> ReadAsync(EventQuery query, ActorRef reader, bool withCount, CancellationToken cancellationToken)
    {
        _previewed = null;
        var preview = await Exporter.PreviewAsync(query, _includeContent, cancellationToken);
        _previewed = query;
        return preview;
    }

    protected override EventCursor? NextOf(EvidencePreview result) => null;
    protected override long? CountOf(EvidencePreview result) => result.Events;

    private bool CanExport => !Loading && Result is { Events: > 0 } && _previewed is not null && FieldMessages.Count == 0 && OtherErrors.Count == 0;

    private Task SetIncludeContentAsync(bool include)
    {
        _includeContent = include;
        // Counted again: disclosed contents depend on it.
        return ApplyAsync(Filters);
    }

    private async Task ExportAsync()
    {
        _exportError = null;
        if (_previewed is not { } filters || !CanExport) return;
        // The page is for Managers, but a circuit can be driven without it and a session can outlive a role.
        var user = (await SignedIn).User;
        if (!(await Authorization.AuthorizeAsync(user, PortalPolicies.Manager)).Succeeded)
        {
            _exportError = "Only a Manager or an Admin may export evidence.";
            return;
        }
        try
        {
            Jobs.Start(new EvidenceRequest(filters, _includeContent), ReadActor.From(user));
        }
        catch (EvidenceJobRefusedException e)
        {
            _exportError = e.Message;
        }
    }
}
