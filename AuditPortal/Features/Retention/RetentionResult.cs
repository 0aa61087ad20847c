namespace AuditPortal.Features.Retention;

/// <summary>What a retention action did: the id it created or acted on, or why it was refused (nothing recorded then).</summary>
public sealed record RetentionResult(string? Id, string? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static RetentionResult Done(string id) => new(id, null);

    public static RetentionResult Refused(string why) => new(null, why);
}
