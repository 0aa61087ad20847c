using AuditPortal.Data.Ledger;
using AuditPortal.Data.Retention;
using AuditPortal.Ledger.Writing;
using AuditPortal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace AuditPortal.Features.Retention;

public partial class RetentionPage
{
    private const string ConfirmedText = "Confirmed: the change is in force.";
    private const string RejectedText = "Rejected: nothing changed.";
    private const string HoldPlacedText = "The hold is in force.";
    private static readonly string ProposedText =
        $"Proposed: it takes effect when another admin confirms it (within {RetentionRules.ProposalLifetime.TotalDays:0} days).";

    [Inject] private RetentionService Retention { get; set; } = default!;
    [Inject] private RetentionHistory History { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<Configuration.PortalOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private RetentionState? _state;
    private IReadOnlyList<RetentionTombstone> _history = [];
    private (bool Ok, string Text)? _message;
    private string _me = "";
    private bool _busy;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnInitializedAsync()
    {
        _me = PortalClaims.ActorIdOf((await AuthenticationState).User);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _state = await Retention.StateAsync(CancellationToken.None);
        _history = await History.ReadAsync(50, CancellationToken.None);
    }

    /// <summary>Runs one change as the signed-in admin (checked again: a session can outlive a role) and shows what happened.</summary>
    /// <returns>Whether the step was recorded, so that a form keeps what the admin typed when it was refused.</returns>
    private async Task<bool> ActAsync(Func<ActorRef, Task<RetentionResult>> act, string success)
    {
        var user = (await AuthenticationState).User;
        if (!(await Authorization.AuthorizeAsync(user, PortalPolicies.Admin)).Succeeded)
        {
            _message = (false, "Only an Admin may change retention.");
            StateHasChanged();
            return false;
        }
        _busy = true;
        try
        {
            var result = await act(new ActorRef(PortalClaims.ActorIdOf(user), ActorKinds.User));
            _message = result.Succeeded ? (true, success) : (false, result.Refusal!);
            await LoadAsync();
            return result.Succeeded;
        }
        finally
        {
            _busy = false;
            // The forms call this as a function (they need the outcome), not as an EventCallback that re-renders the page.
            StateHasChanged();
        }
    }
}
