using System.Data.Common;
using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Signing;
using AuditPortal.Data.Verification;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuditPortal.Testing;

/// <summary>
/// A ledger of its own for one test class: a real SQLite file or a fresh database on the real
/// PostgreSQL server, plus a folder for the signing key and the anchors. Deleted afterwards.
/// </summary>
public sealed class TestLedger : IAsyncDisposable
{
    private TestLedger(LedgerProvider provider, string connectionString, string folder, string? postgresDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        _postgresDatabase = postgresDatabase;
    }

    private readonly string? _postgresDatabase;

    public LedgerProvider Provider { get; }
    public string ConnectionString { get; }
    public string Folder { get; }
    public string KeyFile => Path.Combine(Folder, "signing.key");
    public string AnchorDirectory => Path.Combine(Folder, "anchors");
    public string Origin => "test.example/auditportal";

    public static Task<TestLedger> CreateAsync(LedgerProvider provider) => CreateEmptyAsync(provider, createPostgresDatabase: true);

    /// <summary>A ledger with the schema its provider's migrations make, and nothing in it.</summary>
    public static async Task<TestLedger> CreateMigratedAsync(LedgerProvider provider, CancellationToken cancellationToken)
    {
        var ledger = await CreateAsync(provider);
        await using var db = ledger.OpenContext();
        await db.Database.MigrateAsync(cancellationToken);
        return ledger;
    }

    private static async Task<TestLedger> CreateEmptyAsync(LedgerProvider provider, bool createPostgresDatabase)
    {
        var folder = Directory.CreateTempSubdirectory("auditportal-test-").FullName;
        switch (provider)
        {
            case LedgerProvider.Sqlite:
                return new TestLedger(provider, $"Data Source={Path.Combine(folder, "ledger.db")}", folder, null);
            case LedgerProvider.Postgres:
                var server = PostgresServer.Require();
                var name = "ap_" + Guid.NewGuid().ToString("N")[..16];
                if (createPostgresDatabase)
                {
                    await using var connection = new NpgsqlConnection(server);
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 200 };
                return new TestLedger(provider, builder.ToString(), folder, name);
            default:
                throw new NotSupportedException($"{provider} cannot run here.");
        }
    }

    /// <summary>
    /// A ledger of its own holding exactly what this one holds (database, signing key, anchors, any other
    /// file in the folder), so that a filled ledger is built once and copied per test. Nothing may be
    /// connected to this ledger while it is copied (a PostgreSQL template must have no sessions).
    /// </summary>
    public async Task<TestLedger> CopyAsync()
    {
        var copy = await CreateEmptyAsync(Provider, createPostgresDatabase: false);
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Folder, file);
            if (relative.StartsWith("ledger.db", StringComparison.Ordinal)) continue; // the database is copied below, consistently
            var target = Path.Combine(copy.Folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        if (Provider == LedgerProvider.Sqlite)
        {
            // SQLite's online backup: a consistent copy whatever is still in the write-ahead log.
            await using var source = new SqliteConnection(ConnectionString);
            await using var target = new SqliteConnection(copy.ConnectionString);
            await source.OpenAsync();
            await target.OpenAsync();
            source.BackupDatabase(target);
        }
        else
        {
            // Only the template's pooled sessions: other tests' pools stay open.
            await using (var template = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(template);
            await PostgresCopies.WaitAsync();
            try
            {
                await using var connection = new NpgsqlConnection(PostgresServer.Require());
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {copy._postgresDatabase} TEMPLATE {_postgresDatabase}", connection);
                await create.ExecuteNonQueryAsync();
            }
            finally
            {
                PostgresCopies.Release();
            }
        }
        return copy;
    }

    // PostgreSQL refuses a template that another CREATE DATABASE is reading at the same moment.
    private static readonly SemaphoreSlim PostgresCopies = new(1, 1);

    /// <summary>A raw connection, as a DBA with full rights would use one.</summary>
    public DbConnection OpenConnection()
    {
        DbConnection connection = Provider == LedgerProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<string> ScalarTextAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public LedgerDbContext OpenContext() => LedgerDatabase.Open(Provider, ConnectionString);

    public NoteVerifier VerifierKey()
    {
        using var signer = NoteSigner.ParsePrivateKeyText(File.ReadAllText(KeyFile));
        return signer.Verifier;
    }

    public async Task<VerificationResult> VerifyAsync(bool requireAnchors = false)
    {
        await using var db = OpenContext();
        return await new LedgerVerifier([VerifierKey()], new AnchorDirectory(AnchorDirectory), Origin, requireAnchors).VerifyAsync(db);
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a file still open by a killed process; the OS temp cleaner takes it */ }
    }
}
