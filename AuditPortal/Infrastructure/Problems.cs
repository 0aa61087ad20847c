using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AuditPortal.Infrastructure;

/// <summary>The portal's RFC 9457 responses, so every endpoint words the same problem the same way.</summary>
public static class Problems
{
    /// <summary>400 for a request that changes nothing (a query, a proof): it does not talk about storing.</summary>
    public static ValidationProblem Validation(FieldErrors errors, string detail = "Fix the parameters listed in errors and retry.") =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail, title: "The request is invalid", type: ProblemTypes.Validation,
            extensions: Counts(errors));

    /// <summary>400 for a rejected write: the batch is atomic, so nothing of it was stored.</summary>
    public static ValidationProblem RejectedBatch(FieldErrors errors) =>
        Validation(errors, "Nothing was stored; fix the fields listed in errors and resend.");

    public static ProblemHttpResult Conflict(FieldErrors errors)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = ProblemTypes.Conflict,
            Title = "The request conflicts with the recorded history",
            Detail = "Nothing was stored. See errors for each event in conflict.",
            Extensions = { ["errors"] = errors.ToDictionary() },
        };
        foreach (var (key, value) in Counts(errors)) problem.Extensions[key] = value;
        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// errors lists at most <see cref="FieldErrors.MaxListed"/> messages; errorCount says how many were
    /// found, errorsTruncated whether some were left out.
    /// </summary>
    private static Dictionary<string, object?> Counts(FieldErrors errors) => new()
    {
        ["errorCount"] = errors.Count,
        ["errorsTruncated"] = errors.Truncated,
    };

    public static ProblemHttpResult TooLarge(long limit) => Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge,
        "The request body is too large", $"The body may be at most {limit} bytes. Nothing was stored; send smaller batches.");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) => Problem(StatusCodes.Status415UnsupportedMediaType,
        ProblemTypes.UnsupportedMediaType, "Unsupported content type",
        $"Send the body as application/json (UTF-8); got \"{contentType ?? "none"}\". Nothing was stored.");

    public static ProblemHttpResult UnsupportedContentEncoding(string encoding) => Problem(StatusCodes.Status415UnsupportedMediaType,
        ProblemTypes.UnsupportedMediaType, "Unsupported content encoding",
        $"Send the body uncompressed (Content-Encoding identity or none); got \"{encoding}\". Nothing was stored.");

    public static ProblemHttpResult NotFound(string title, string detail) => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, title, detail);

    public static ProblemHttpResult Forbidden(string title, string detail) => Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, title, detail);

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
