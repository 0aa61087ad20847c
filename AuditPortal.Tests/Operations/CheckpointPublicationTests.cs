using AuditPortal.Data.Anchors;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Ledger;
using AuditPortal.Ledger.Checkpoints;
using AuditPortal.Ledger.Writing;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuditPortal.Tests.Operations;

/// <summary>
/// A checkpoint publication that failed is never reported as success: only a duplicate key where the
/// stored checkpoint is the same signed statement means "another instance published first".
/// </summary>
public abstract class CheckpointPublicationTests(LedgerProvider provider)
{
    [Fact]
    public async Task AStoreThatFailsForAnotherReasonIsAFailure()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        // An hour between checkpoints: the portal's own publisher stays out of the way after start-up.
        await using var portal = new PortalFactory(ledger, TimeSpan.FromHours(1));
        var ingest = await portal.ClientWithKeyAsync("publisher-bot", "ingest");
        await Events.PostAsync(ingest, Events.LlmCall("publish-" + Guid.NewGuid().ToString("N")));
        await RejectCheckpointInsertsAsync(ledger);

        var publisher = NewPublisher(portal, new SeparateFactory(ledger));

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => publisher.PublishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OnlyAMatchingCheckpointStoredFirstCountsAsPublished()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger, TimeSpan.FromHours(1));
        var ingest = await portal.ClientWithKeyAsync("publisher-bot", "ingest");

        // Another instance publishes between this publisher's reading the head and its storing: fine.
        await Events.PostAsync(ingest, Events.LlmCall("race-" + Guid.NewGuid().ToString("N")));
        var size = await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");
        var otherInstance = NewPublisher(portal, new SeparateFactory(ledger));
        var racing = NewPublisher(portal, new InterceptedFactory(ledger, new BeforeSave(() => otherInstance.PublishAsync(CancellationToken.None))));
        Assert.Equal(size, await racing.PublishAsync(CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(ledger.AnchorDirectory, AnchorDirectory.FileName(size))));

        // A row someone else put there for the same size (not this ledger's statement) is a failure.
        await Events.PostAsync(ingest, Events.LlmCall("forged-" + Guid.NewGuid().ToString("N")));
        var next = await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");
        var forging = NewPublisher(portal, new InterceptedFactory(ledger, new BeforeSave(() => ledger.ExecuteAsync(
            $"INSERT INTO checkpoints (tree_size, root_hash, note, key_id, created_at) " +
            $"SELECT {next}, root_hash, 'forged checkpoint', key_id, created_at FROM checkpoints WHERE tree_size = {size}"))));
        var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(() => forging.PublishAsync(CancellationToken.None));
        Assert.Contains("verify", conflict.Message);
    }

    /// <summary>The race behind the flaky CheckpointsAreAnchoredOutsideTheDatabase: a row readable before its anchor file existed.</summary>
    [Fact]
    public async Task TheAnchorFileIsWrittenBeforeTheCheckpointRowIsStored()
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger, TimeSpan.FromHours(1));
        var ingest = await portal.ClientWithKeyAsync("publisher-bot", "ingest");
        await Events.PostAsync(ingest, Events.LlmCall("order-" + Guid.NewGuid().ToString("N")));
        var size = await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");
        var anchor = Path.Combine(ledger.AnchorDirectory, AnchorDirectory.FileName(size));
        bool? anchoredWhenStored = null;
        var publisher = NewPublisher(portal, new InterceptedFactory(ledger, new BeforeSave(() =>
        {
            anchoredWhenStored = File.Exists(anchor);
            return Task.CompletedTask;
        })));

        Assert.Equal(size, await publisher.PublishAsync(CancellationToken.None));
        Assert.True(anchoredWhenStored, "the checkpoint row was stored before its anchor file existed");
    }

    protected static CheckpointPublisher NewPublisher(PortalFactory portal, IDbContextFactory<LedgerDbContext> factory, AppendGate? gate = null) => new(
        factory,
        portal.Services.GetRequiredService<SigningKeyHolder>(),
        portal.Services.GetRequiredService<LedgerLocation>(),
        new AnchoringStatus(),
        gate ?? new AppendGate(),
        TimeProvider.System,
        NullLogger<CheckpointPublisher>.Instance);

    /// <summary>A database that refuses checkpoint rows, as a trigger, a full disk or a permission change would.</summary>
    private static Task RejectCheckpointInsertsAsync(TestLedger ledger) => ledger.Provider == LedgerProvider.Postgres
        ? ledger.ExecuteAsync("""
            CREATE FUNCTION reject_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'checkpoints are read-only today'; END $$;
            CREATE TRIGGER reject_checkpoint BEFORE INSERT ON checkpoints FOR EACH ROW EXECUTE FUNCTION reject_checkpoint();
            """)
        : ledger.ExecuteAsync("CREATE TRIGGER reject_checkpoint BEFORE INSERT ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are read-only today'); END;");

    /// <summary>Runs something once, right before the publisher's context stores its checkpoint.</summary>
    private sealed class BeforeSave(Func<Task> action) : SaveChangesInterceptor
    {
        private Func<Task>? _action = action;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _action, null) is { } run) await run();
            return result;
        }
    }

    /// <summary>The real provider contexts on the test ledger, with one extra interceptor.</summary>
    /// <summary>Contexts of another instance: options of their own, built from the connection string alone.</summary>
    protected sealed class SeparateFactory(TestLedger ledger) : IDbContextFactory<LedgerDbContext>
    {
        private readonly Func<LedgerDbContext> _open = LedgerDatabase.Factory(ledger.Provider, ledger.ConnectionString);

        public LedgerDbContext CreateDbContext() => _open();
    }

    private sealed class InterceptedFactory(TestLedger ledger, IInterceptor interceptor) : IDbContextFactory<LedgerDbContext>
    {
        public LedgerDbContext CreateDbContext() => ledger.Provider == LedgerProvider.Postgres
            ? new PostgresLedgerDbContext(Options<PostgresLedgerDbContext>())
            : new SqliteLedgerDbContext(Options<SqliteLedgerDbContext>());

        private DbContextOptions<TContext> Options<TContext>() where TContext : LedgerDbContext
        {
            var builder = new DbContextOptionsBuilder<TContext>();
            LedgerDatabase.Configure(builder, ledger.Provider, ledger.ConnectionString);
            builder.AddInterceptors(interceptor);
            return builder.Options;
        }
    }
}

[Collection("sqlite")]
public sealed class SqliteCheckpointPublicationTests() : CheckpointPublicationTests(LedgerProvider.Sqlite)
{
    /// <summary>
    /// SQLite has one write lock: the checkpoint row is stored in a turn between two group commits
    /// (<see cref="AppendGate"/>), never into the writer's path, where SQLite's busy handler would make
    /// the writer sleep with its turn held.
    /// </summary>
    [Fact]
    public async Task TheRowIsStoredInATurnBetweenGroupCommits()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger, TimeSpan.FromHours(1));
        var ingest = await portal.ClientWithKeyAsync("publisher-bot", "ingest");
        await Events.PostAsync(ingest, Events.LlmCall("turn-" + Guid.NewGuid().ToString("N")));
        var size = await ledger.ScalarAsync("SELECT MAX(tree_size) FROM ledger_seals");
        var gate = new AppendGate();
        var publisher = NewPublisher(portal, new SeparateFactory(ledger), gate);

        Task<long> publishing;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            publishing = publisher.PublishAsync(CancellationToken.None);
            await Task.WhenAny(publishing, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
            Assert.False(publishing.IsCompleted, "the checkpoint was stored while another append held its turn");
            Assert.Equal(0, await ledger.ScalarAsync($"SELECT COUNT(*) FROM checkpoints WHERE tree_size = {size}"));
        }
        Assert.Equal(size, await publishing);
        Assert.Equal(1, await ledger.ScalarAsync($"SELECT COUNT(*) FROM checkpoints WHERE tree_size = {size}"));
    }
}

[Collection("postgres")]
public sealed class PostgresCheckpointPublicationTests() : CheckpointPublicationTests(LedgerProvider.Postgres);
