using Npgsql;

namespace AuditPortal.Bench;

/// <summary>Fresh databases on the server named by AUDITPORTAL_TEST_POSTGRES, one per bench phase and run.</summary>
public sealed class PostgresDatabases(string serverConnectionString) : IAsyncDisposable
{
    private readonly List<string> _created = [];

    public bool Keep { get; set; }

    public async Task<string> CreateAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(serverConnectionString))
        {
            await admin.OpenAsync();
            await using var command = admin.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }
        _created.Add(name);
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A database an earlier <c>--keep</c> run left; never dropped by this run.</summary>
    public string ConnectionTo(string name) => new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;

    public async Task<string> ServerVersionAsync()
    {
        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = "SELECT current_setting('server_version') || ' (fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers') || ')'";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Keep || _created.Count == 0) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        foreach (var name in _created)
        {
            await using var command = admin.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
            await command.ExecuteNonQueryAsync();
        }
    }
}
