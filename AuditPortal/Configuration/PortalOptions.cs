namespace AuditPortal.Configuration;

/// <summary>
/// The operator-facing settings under "AuditPortal" (DESIGN.md §5). Their names are a contract:
/// operators script against them, e.g. AuditPortal__Database__Provider=Postgres.
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "AuditPortal";

    public DatabaseSettings Database { get; set; } = new();
    public SigningSettings Signing { get; set; } = new();
    public AnchorSettings Anchors { get; set; } = new();
    public CheckpointSettings Checkpoints { get; set; } = new();
    public AuthenticationSettings Authentication { get; set; } = new();
    public RetentionSettings Retention { get; set; } = new();
    public RedactionSettings Redaction { get; set; } = new();
    public EvidenceSettings Evidence { get; set; } = new();
}

public sealed class DatabaseSettings
{
    /// <summary>Sqlite (default), Postgres or SqlServer.</summary>
    public string Provider { get; set; } = "Sqlite";
    public string ConnectionString { get; set; } = "Data Source=data/auditportal.db";
}

public sealed class SigningSettings
{
    public string KeyFile { get; set; } = "data/signing.key";
    /// <summary>The log's name in checkpoints and the signing key's name.</summary>
    public string Origin { get; set; } = "localhost/auditportal";
}

public sealed class AnchorSettings
{
    public string Directory { get; set; } = "data/anchors";
}

public sealed class CheckpointSettings
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
    public int MaxEntries { get; set; } = 1000;
}

public sealed class AuthenticationSettings
{
    /// <summary>Development (local sign-in, Development environment only) or OpenIdConnect.</summary>
    public string Mode { get; set; } = "OpenIdConnect";
    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();
}

public sealed class OpenIdConnectSettings
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The claim holding the user's roles or groups: one value per claim, or a JSON array.</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>Claim value → Reviewer, Manager or Admin.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = [];
    /// <summary>Refuse a provider whose metadata is not served over https; only tests against a local provider turn this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>The claim that names the person in the ledger; when absent, preferred_username, then sub.</summary>
    public string UserIdClaim { get; set; } = "email";
}

public sealed class RetentionSettings
{
    public int LegalFloorDays { get; set; } = 180;
    /// <summary>How often the enforcer purges what policies and erasure requests allow.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RedactionSettings
{
    /// <summary>Detector (email, phone, card, iban, secret) → Keep, Mask or Hash. None configured: content is stored as sent.</summary>
    public Dictionary<string, string> Detectors { get; set; } = [];
    /// <summary>The HMAC key for Hash, created owner-only on first use; back it up with the signing key.</summary>
    public string KeyFile { get; set; } = "data/redaction.key";
}

/// <summary>The dashboard's background exports (`evidence export --out FILE` writes where it is told).</summary>
public sealed class EvidenceSettings
{
    /// <summary>Packs and their job records; holds audited content, so it is created owner-only.</summary>
    public string Directory { get; set; } = "data/evidence";
    /// <summary>Packs and job records older than this are deleted by a periodic sweep.</summary>
    public int KeepDays { get; set; } = 7;
}
