using System.Globalization;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Merkle;
using AuditPortal.Features.Access;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Ingestion;
using AuditPortal.Features.Ledger;
using AuditPortal.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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
        IDbContextFactory<LedgerDbContext> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var note = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).Select(c => c.Note).FirstOrDefaultAsync(cancellationToken);
        return note is null
            ? Problems.NotFound("No checkpoint yet", "The log has no checkpoint yet; one is issued within Checkpoints:Interval of the first append.")
            : TypedResults.Text(note, TextPlain);
    }

    private static ContentHttpResult VerifierKey(SigningKeyHolder keys) => TypedResults.Text(keys.Signer.Verifier + "\n", TextPlain);

    private static async Task<Results<Ok<InclusionProof>, ValidationProblem>> InclusionAsync(
        HttpContext http, IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var sequence = ReadSize(http.Request.Query, "sequence", required: true, errors);
        var requestedSize = ReadSize(http.Request.Query, "treeSize", required: false, errors);
        if (errors.Any) return Problems.Validation(errors);

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var size = await TreeReader.TreeSizeAsync(db, cancellationToken);
        var treeSize = requestedSize
            ?? await db.Checkpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize, cancellationToken)
            ?? size;
        if (treeSize < 1 || treeSize > size) errors.Add("treeSize", $"must be a size the log has reached (1 to {size})");
        else if (sequence >= treeSize) errors.Add("sequence", $"must be below treeSize {treeSize}");
        if (errors.Any) return Problems.Validation(errors);

        // A leaf hash lets someone who guesses an envelope confirm it: reading one is an access.
        await access.RecordAsync(ApiKeyPrincipal.Actor(http.User), "proofs.inclusion", new Dictionary<string, string>
        {
            ["sequence"] = sequence!.Value.ToString(CultureInfo.InvariantCulture),
            ["treeSize"] = treeSize.ToString(CultureInfo.InvariantCulture),
            ["via"] = "api",
        }, cancellationToken);

        var plan = ProofPlan.Inclusion(sequence.Value, treeSize);
        var nodes = await TreeReader.ReadNodesAsync(db, plan.RequiredNodes.Append(new NodeId(0, sequence.Value))
            .Concat(CompactRange.EdgeNodes(treeSize)), cancellationToken);
        return TypedResults.Ok(new InclusionProof(
            sequence.Value, treeSize,
            Convert.ToHexStringLower(nodes[new NodeId(0, sequence.Value)]),
            Convert.ToHexStringLower(ProofPlan.RangeHash(0, treeSize, nodes)),
            [.. plan.Assemble(nodes).Select(Convert.ToHexStringLower)]));
    }

    private static async Task<Results<Ok<ConsistencyProof>, ValidationProblem>> ConsistencyAsync(
        HttpContext http, IDbContextFactory<LedgerDbContext> factory, AccessRecorder access, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var from = ReadSize(http.Request.Query, "from", required: true, errors);
        var to = ReadSize(http.Request.Query, "to", required: true, errors);
        if (errors.Any) return Problems.Validation(errors);

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var size = await TreeReader.TreeSizeAsync(db, cancellationToken);
        if (from < 1) errors.Add("from", "must be at least 1 (every tree extends the empty tree)");
        if (to > size) errors.Add("to", $"must be a size the log has reached (at most {size})");
        if (from > to) errors.Add("from", "must not be greater than to");
        if (errors.Any) return Problems.Validation(errors);

        await access.RecordAsync(ApiKeyPrincipal.Actor(http.User), "proofs.consistency", new Dictionary<string, string>
        {
            ["from"] = from!.Value.ToString(CultureInfo.InvariantCulture),
            ["to"] = to!.Value.ToString(CultureInfo.InvariantCulture),
            ["via"] = "api",
        }, cancellationToken);

        var path = await TreeReader.ProveAsync(db, ProofPlan.Consistency(from.Value, to.Value), cancellationToken);
        return TypedResults.Ok(new ConsistencyProof(from.Value, to.Value, [.. path.Select(Convert.ToHexStringLower)]));
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

/// <summary>All hashes lowercase hex (DESIGN.md §4).</summary>
public sealed record InclusionProof(long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Path);

public sealed record ConsistencyProof(long From, long To, IReadOnlyList<string> Path);
