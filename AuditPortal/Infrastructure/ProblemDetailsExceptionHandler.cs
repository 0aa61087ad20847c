using AuditPortal.Ledger.Writing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AuditPortal.Infrastructure;

/// <summary>Maps every exception that escapes an endpoint to problem details, in one place.</summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = 413, Type = ProblemTypes.TooLarge, Title = "The request body is too large",
                Detail = "Nothing was stored; send smaller batches.",
            },
            // Kestrel gave up on a body arriving slower than MinRequestBodyDataRate: not a malformed
            // request, so not the validation type; clients may retry, resends are idempotent.
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => new ProblemDetails
            {
                Status = 408, Type = ProblemTypes.RequestTimeout, Title = "The request body arrived too slowly",
                Detail = "Nothing was stored. Send the body again at a steady rate; resends are idempotent.",
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode, Type = ProblemTypes.Validation, Title = "The request could not be read", Detail = bad.Message,
            },
            LedgerUnavailableException => new ProblemDetails
            {
                Status = 503, Type = ProblemTypes.Unavailable, Title = "The ledger is unavailable",
                Detail = "Nothing was stored. Retry with the same event ids; resends are idempotent.",
            },
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => null,
            _ => new ProblemDetails
            {
                Status = 500, Type = ProblemTypes.Internal, Title = "Unexpected error",
                Detail = "The portal failed unexpectedly; the error was logged with the trace id below.",
            },
        };
        if (problem is null) return true;
        if (problem.Status >= 500) LogUnhandled(logger, exception, http.Request.Path);
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
