using AuditPortal.Infrastructure;
using AuditPortal.Reading;
using AuditPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditPortal.Features.Events;

/// <summary>The read API over the timeline: parse, read through <see cref="TimelineService"/>, write.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/events", GetEventsAsync)
            .RequireAuthorization(ApiKeyDefaults.ReadPolicy)
            .WithName("GetEvents")
            .WithTags("Events")
            .WithSummary("Page through envelopes, newest first")
            .WithDescription("Filters: actor, type, application, model, prompt, promptVersion, from, to, q (text in the envelope). " +
                             "Keyset-paged with cursor/nextCursor; a page stops early, with a nextCursor, before it exceeds 4 MiB. " +
                             "Content only with includeContent=true. Every call is recorded as an access event.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<EventPageResult, ValidationProblem>> GetEventsAsync(
        HttpContext http, TimelineService timeline, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var query = EventQueryParser.Parse(http.Request.Query, errors);
        if (errors.Any) return Problems.Validation(errors);
        var page = await timeline.ReadAsync(query, ReadActor.From(http.User), "api", cancellationToken);
        return new EventPageResult(page, timeline);
    }
}
