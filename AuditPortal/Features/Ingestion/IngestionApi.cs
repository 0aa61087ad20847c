using AuditPortal.EventBatches;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger.Writing;
using AuditPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace AuditPortal.Features.Ingestion;

public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/events", PostEventsAsync)
            .RequireAuthorization(ApiKeyDefaults.IngestPolicy)
            .WithName("PostEvents")
            .WithTags("Ingestion")
            .WithSummary("Append a batch of 1–1000 events")
            .WithDescription("Atomic: any invalid event rejects the whole batch and nothing is stored. Idempotent by event id within the submitting service account. " +
                             "Receipts come back in request order once the batch is durable.")
            // Documented, not declared with Accepts(): that would let routing answer 415 before authentication.
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(EventBatchDocument), null, cancellationToken) },
                    },
                };
            })
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            // Kestrel's own limit sits one byte above ours, so our check answers first with a clear problem.
            .WithMetadata(new RequestSizeLimitAttribute(EventBatchParser.MaxBodyBytes + 1));
        return app;
    }

    private static async Task<Results<Ok<ReceiptsResponse>, ValidationProblem, ProblemHttpResult>> PostEventsAsync(
        HttpContext http, EventBatchParser parser, LedgerWriter writer, CancellationToken cancellationToken)
    {
        if (!IsJson(http.Request.ContentType)) return Problems.UnsupportedMediaType(http.Request.ContentType);
        if (!IsIdentityCoded(http.Request.Headers.ContentEncoding))
        {
            // RFC 9110 §15.5.16: name the codings we accept.
            http.Response.Headers.AcceptEncoding = "identity";
            return Problems.UnsupportedContentEncoding(http.Request.Headers.ContentEncoding.ToString());
        }
        if (http.Request.ContentLength > EventBatchParser.MaxBodyBytes) return Problems.TooLarge(EventBatchParser.MaxBodyBytes);

        BatchParseResult parsed;
        using (var body = await RequestBody.ReadAsync(http.Request, EventBatchParser.MaxBodyBytes, cancellationToken))
        {
            if (body is null) return Problems.TooLarge(EventBatchParser.MaxBodyBytes);
            parsed = parser.Parse(body.Memory, ApiKeyPrincipal.Actor(http.User));
        }
        if (!parsed.IsValid) return Problems.RejectedBatch(parsed.Errors);

        return await writer.AppendAsync(parsed.Events, cancellationToken) switch
        {
            Appended appended => TypedResults.Ok(new ReceiptsResponse(appended.Receipts)),
            Rejected { Invalid.Any: true } rejected => Problems.RejectedBatch(rejected.Invalid),
            Rejected rejected => Problems.Conflict(rejected.Conflicts),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    /// <summary>
    /// Only uncompressed bodies: the parser would read gzip bytes as invalid JSON, and decompressing
    /// would let a 10 MiB body expand past every limit.
    /// </summary>
    private static bool IsIdentityCoded(Microsoft.Extensions.Primitives.StringValues contentEncoding)
    {
        foreach (var header in contentEncoding)
        {
            foreach (var coding in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        if (!media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        return !media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }
}

public sealed record ReceiptsResponse(IReadOnlyList<Receipt> Receipts);
