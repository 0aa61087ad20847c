using System.Globalization;
using AuditPortal.Infrastructure;
using AuditPortal.Ledger;
using AuditPortal.Reading;
using AuditPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditPortal.Features.Integrity;

public static class IntegrityApi
{
    private const string TextPlain = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var checkpoints = app.MapGroup("/api/v1/checkpoints").WithTags("Integrity").AllowAnonymous();
        checkpoints.MapGet("/latest", LatestCheckpointAsync)
            .WithName("GetLatestCheckpoint")
            .WithSummary("The latest signed checkpoint (C2SP tlog-checkpoint signed note); public")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);
        checkpoints.MapGet("/key", VerifierKey)
            .WithName("GetVerifierKey")
            .WithSummary("The C2SP signed-note verifier key (name+keyid+base64key); public")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");

        var proofs = app.MapGroup("/api/v1/proofs").WithTags("Integrity").RequireAuthorization(ApiKeyDefaults.ReadPolicy);
        proofs.MapGet("/inclusion", InclusionAsync)
            .WithName("GetInclusionProof")
            .WithSummary("RFC 9162 inclusion proof of one entry in a tree size the log has reached (default: the latest checkpoint)")
            .ProducesValidationProblem();
        proofs.MapGet("/consistency", ConsistencyAsync)
            .WithName("GetConsistencyProof")
            .WithSummary("RFC 9162 consistency proof between two tree sizes the log has reached")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> LatestCheckpointAsync(
        ProofService proofs, CancellationToken cancellationToken)
    {
        var note = await proofs.LatestCheckpointAsync(cancellationToken);
        return note is null
            ? Problems.NotFound("No checkpoint yet", "The log has no checkpoint yet; one is issued within Checkpoints:Interval of the first append.")
            : TypedResults.Text(note, TextPlain);
    }

    private static ContentHttpResult VerifierKey(SigningKeyHolder keys) => TypedResults.Text(keys.Signer.Verifier + "\n", TextPlain);

    private static async Task<Results<Ok<InclusionProof>, ValidationProblem>> InclusionAsync(
        HttpContext http, ProofService proofs, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var sequence = ReadSize(http.Request.Query, "sequence", required: true, errors);
        var treeSize = ReadSize(http.Request.Query, "treeSize", required: false, errors);
        if (errors.Any) return Problems.Validation(errors);
        var proof = await proofs.InclusionAsync(sequence!.Value, treeSize, ReadActor.From(http.User), "api", errors, cancellationToken);
        return proof is null ? Problems.Validation(errors) : TypedResults.Ok(proof);
    }

    private static async Task<Results<Ok<ConsistencyProof>, ValidationProblem>> ConsistencyAsync(
        HttpContext http, ProofService proofs, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var from = ReadSize(http.Request.Query, "from", required: true, errors);
        var to = ReadSize(http.Request.Query, "to", required: true, errors);
        if (errors.Any) return Problems.Validation(errors);
        var proof = await proofs.ConsistencyAsync(from!.Value, to!.Value, ReadActor.From(http.User), "api", errors, cancellationToken);
        return proof is null ? Problems.Validation(errors) : TypedResults.Ok(proof);
    }

    private static long? ReadSize(IQueryCollection query, string name, bool required, FieldErrors errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            if (required) errors.Add(name, "is required");
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(name, "must be a non-negative integer");
            return null;
        }
        return value;
    }
}
