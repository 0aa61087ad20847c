using AuditPortal.Components.EventFilters;
using AuditPortal.Data.Ledger;
using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Primitives;

namespace AuditPortal.Features.Access;

/// <summary>
/// The access log for Admins: the URL's filters (the timeline's names, actor being the reader) read
/// through <see cref="AccessLogService"/>, which records this reading too (see <see cref="LedgerSearchPage{TResult}"/>).
/// </summary>
public sealed partial class AccessLogPageView
{
    private static readonly HashSet<string> Fields = ["actor", "from", "to", "q"];

    /// <summary>Timeline filters an access event never has: asking for them would silently find nothing.</summary>
    private static readonly HashSet<string> NotForAccess = ["type", "application", "model", "prompt", "promptVersion", "includeContent"];

    [Inject] private AccessLogService AccessLog { get; set; } = default!;

    protected override string PagePath => "/access";
    protected override IReadOnlySet<string> FieldNames => Fields;
    protected override string FailureText => "The access log could not be read";

    protected override void Check(IReadOnlyDictionary<string, StringValues> query, FieldErrors errors)
    {
        foreach (var name in query.Keys.Where(NotForAccess.Contains)) errors.Add(name, "is not a filter of the access log (access events have none)");
    }

    protected override Task<AccessLogPage> ReadAsync(EventQuery query, ActorRef reader, bool withCount, CancellationToken cancellationToken) =>
        AccessLog.ReadAsync(query, reader, "dashboard", cancellationToken, withCount);

    protected override EventCursor? NextOf(AccessLogPage result) => result.Next;
    protected override long? CountOf(AccessLogPage result) => result.Count;

    private string StatusText => Status(Result?.Entries.Count ?? 0, "Newest accesses", "Older accesses", "Reading…");
}
