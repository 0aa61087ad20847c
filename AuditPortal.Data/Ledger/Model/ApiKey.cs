namespace AuditPortal.Data.Ledger.Model;

/// <summary>A service account's key. Only the SHA-256 of the secret is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    /// <summary>Also the service account's actor id.</summary>
    public required string Name { get; set; }
    public required string Scope { get; set; }
    public required byte[] SecretHash { get; set; }
    /// <summary>First characters of the key, to recognise it in lists without revealing it.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public static class ApiKeyScopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public static readonly IReadOnlyList<string> All = [Ingest, Read];
}
