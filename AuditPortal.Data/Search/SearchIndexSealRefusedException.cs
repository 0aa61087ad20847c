namespace AuditPortal.Data.Search;

/// <summary>A full partition failed FTS5's check when the portal came to seal it, so it was not sealed (<see cref="SqliteSearchIndexSealer"/>).</summary>
public sealed class SearchIndexSealRefusedException(string message, Exception inner) : InvalidOperationException(message, inner);
