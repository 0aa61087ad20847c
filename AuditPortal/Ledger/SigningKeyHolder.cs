using AuditPortal.Data.Signing;

namespace AuditPortal.Ledger;

/// <summary>Holds the ledger's signing key once <see cref="LedgerStartup"/> has loaded (or created) it.</summary>
public sealed class SigningKeyHolder : IDisposable
{
    private NoteSigner? _signer;

    public bool IsLoaded => _signer is not null;

    public NoteSigner Signer => _signer ?? throw new InvalidOperationException("The signing key has not been loaded; LedgerStartup must run first.");

    internal void Set(NoteSigner signer) => _signer = signer;

    public void Dispose() => _signer?.Dispose();
}
