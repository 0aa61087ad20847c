using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Features.Access;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Ingestion;
using AuditPortal.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Features.Events;

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
                             "Keyset-paged with cursor/nextCursor. Content only with includeContent=true. Every call is recorded as an access event.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<EventPage>, ValidationProblem>> GetEventsAsync(
        HttpContext http, IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var query = EventQuery.Parse(http.Request.Query, errors);
        if (errors.Any) return Problems.Validation(errors);

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await (await query.ApplyAsync(db, cancellationToken))
            .Take(query.Limit + 1)
            .Select(e => new { e.Sequence, e.OccurredAt, e.Envelope, e.LeafHash })
            .ToListAsync(cancellationToken);
        var page = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit
            ? new EventCursor(DateTime.SpecifyKind(page[^1].OccurredAt, DateTimeKind.Utc), page[^1].Sequence).Encode()
            : null;

        var contents = new Dictionary<long, (byte[] Salt, byte[] Content)>();
        if (query.IncludeContent && page.Count > 0)
        {
            var sequences = page.Select(p => p.Sequence).ToList();
            contents = await db.Contents.AsNoTracking().Where(c => sequences.Contains(c.Sequence))
                .ToDictionaryAsync(c => c.Sequence, c => (c.Salt, c.Content), cancellationToken);
        }

        var details = query.Describe();
        details["results"] = page.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["via"] = "api";
        await access.RecordAsync(ApiKeyPrincipal.Actor(http.User), "events.query", details, cancellationToken);

        var events = page.Select(p =>
        {
            var item = JsonNode.Parse(p.Envelope)!.AsObject();
            item["leafHash"] = Convert.ToHexStringLower(p.LeafHash);
            if (query.IncludeContent)
            {
                if (contents.TryGetValue(p.Sequence, out var c))
                {
                    item["disclosedContent"] = JsonNode.Parse(c.Content);
                    item["contentSalt"] = Convert.ToHexStringLower(c.Salt);
                }
                else
                {
                    item["disclosedContent"] = null;
                    item["contentPurged"] = true;
                }
            }
            return item;
        }).ToList();
        return TypedResults.Ok(new EventPage(events, next));
    }
}

public sealed record EventPage(IReadOnlyList<JsonObject> Events, string? NextCursor);
