using System.Security.Cryptography;
using System.Text;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;

namespace AuditPortal.Data.Projections;

/// <summary>
/// How an api_keys row is tied to the ledger. The creation event (config.changed, change
/// "apikey.created") commits to the key's id, name, scope, display prefix and a digest of its secret
/// hash, so a re-scoped, re-pointed or inserted row is told apart from the one the ledger created; the
/// revocation event (change "apikey.revoked") outlives any edit of revoked_at. The actor is the operator;
/// the submitter is always <see cref="Recorder"/>, the portal itself, and only such events count: a
/// service's ingest key can post config.changed events, but its envelopes say submittedBy kind "service".
/// Their ids are derived from the key's secret hash, so authentication finds them through the unique
/// (submitted_by, event_id) index on every request, and a client that reads the ledger cannot take a
/// revocation's id first.
/// </summary>
public static class ApiKeyLedger
{
    public const string CreatedChange = "apikey.created";
    public const string RevokedChange = "apikey.revoked";
    private static readonly byte[] DigestDomain = Encoding.ASCII.GetBytes("auditportal/apikey/v1\0");
    private static readonly byte[] EventIdDomain = Encoding.ASCII.GetBytes("auditportal/apikey-event/v1\0");

    /// <summary>The submitter of every API-key change: the portal, on behalf of the operator named as actor.</summary>
    public static readonly ActorRef Recorder = PortalAccount.Recorder;

    public static string CreatedEventId(byte[] secretHash) => $"{CreatedChange}-{EventToken(secretHash)}";

    public static string RevokedEventId(byte[] secretHash) => $"{RevokedChange}-{EventToken(secretHash)}";

    private static string EventToken(byte[] secretHash) => Convert.ToHexStringLower(SHA256.HashData([.. EventIdDomain, .. secretHash]))[..32];

    /// <summary>
    /// SHA-256 over a domain and the stored secret hash: binds the row's secret without putting the
    /// hash itself into envelopes that every read key can page through.
    /// </summary>
    public static string SecretDigest(byte[] secretHash) => Convert.ToHexStringLower(SHA256.HashData([.. DigestDomain, .. secretHash]));

    public static Dictionary<string, string> CreationAttributes(ApiKey key) => new(StringComparer.Ordinal)
    {
        ["change"] = CreatedChange,
        ["apiKey"] = key.Name,
        ["keyId"] = key.Id.ToString("D"),
        ["scope"] = key.Scope,
        ["prefix"] = key.Prefix,
        ["secretDigest"] = SecretDigest(key.SecretHash),
    };

    public static Dictionary<string, string> RevocationAttributes(ApiKey key) => new(StringComparer.Ordinal)
    {
        ["change"] = RevokedChange,
        ["apiKey"] = key.Name,
        ["keyId"] = key.Id.ToString("D"),
        ["scope"] = key.Scope,
    };

    /// <summary>The key id a config.changed event the portal recorded creates or revokes, with which of the two it is; null for other events.</summary>
    public static (Guid KeyId, bool Revokes)? KeyChange(ProjectedEvent e)
    {
        if (e.Type != LedgerEventTypes.ConfigChanged || e.SubmittedBy != Recorder || !e.Attributes.TryGetValue("change", out var change))
            return null;
        if (change is not (CreatedChange or RevokedChange)) return null;
        if (!e.Attributes.TryGetValue("keyId", out var id) || !Guid.TryParseExact(id, "D", out var keyId)) return null;
        return (keyId, change == RevokedChange);
    }

    /// <summary>
    /// Why the ledger does not explain this row, or null when it does. <paramref name="created"/> and
    /// <paramref name="revoked"/> are the ledger's creation and first revocation of the row's key id.
    /// </summary>
    public static string? Unexplained(ApiKey row, ProjectedEvent? created, ProjectedEvent? revoked)
    {
        if (created is null || KeyChange(created) is not ({ } id, false) || id != row.Id)
            return "no apikey.created event in the ledger commits to this key (row inserted, or its secret replaced, outside the portal)";
        var problems = new List<string>();
        Compare("name", row.Name, created, "apiKey", problems);
        Compare("scope", row.Scope, created, "scope", problems);
        Compare("prefix", row.Prefix, created, "prefix", problems);
        if (created.Attributes.GetValueOrDefault("secretDigest") != SecretDigest(row.SecretHash))
            problems.Add("secret_hash is not the one the ledger committed to (the key was replaced)");
        if (row.CreatedBy != created.ActorId) problems.Add($"created_by is \"{row.CreatedBy}\" but the ledger says \"{created.ActorId}\"");
        if (Microseconds(row.CreatedAt) != Microseconds(created.OccurredAtUtc))
            problems.Add($"created_at is {row.CreatedAt:O} but the ledger says {created.OccurredAtUtc:O}");
        if (revoked is not null && row.RevokedAt is null)
            problems.Add($"the key is shown active but the ledger revoked it at sequence {revoked.Sequence}");
        if (revoked is null && row.RevokedAt is not null) problems.Add("revoked_at is set but the ledger has no revocation");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    // PostgreSQL keeps microseconds, the canonical form 100 ns ticks; the portal writes whole microseconds.
    public static DateTime ToStoredPrecision(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    private static long Microseconds(DateTime value) => value.Ticks / 10;

    private static void Compare(string column, string value, ProjectedEvent created, string attribute, List<string> problems)
    {
        var committed = created.Attributes.GetValueOrDefault(attribute);
        if (value != committed) problems.Add($"{column} is \"{value}\" but the ledger created the key with \"{committed}\"");
    }
}
