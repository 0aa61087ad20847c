namespace AuditPortal.Tests.Ledger;

/// <summary>
/// Rows written straight into a PostgreSQL ledger's tables, many at once, for tests of how the server
/// plans queries at a size the appender would take minutes to reach. They are not valid entries
/// (the envelopes are one byte); only their columns and numbers matter to a plan.
/// </summary>
internal static class PostgresRawEntries
{
    public static Task<int> InsertAsync(TestLedger ledger, string submitter, long from, int count) => ledger.ExecuteAsync(
        "INSERT INTO ledger_entries (sequence, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, submitted_by, search_text, envelope, leaf_hash) " +
        $"SELECT i, '{submitter}-' || i, 'llm.call', now(), now(), 'alice@example.com', 'user', '{submitter}', 'text', '\\x00'::bytea, decode(repeat('00', 32), 'hex') " +
        $"FROM generate_series({from}, {from + count - 1}) AS i; " +
        "INSERT INTO ledger_contents (sequence, content, salt) " +
        $"SELECT i, '\\x7b7d'::bytea, decode(repeat('00', 32), 'hex') FROM generate_series({from}, {from + count - 1}) AS i");
}
