using System.Text.Json.Nodes;
using AuditPortal.Data.Canonical;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Appending;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Data.Signing;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Ledger;

/// <summary>
/// The appender writes rows below EF Core (SQLite's statement API, PostgreSQL's binary COPY). EF
/// Core must read back exactly what was appended and find it with its own comparisons: a timestamp
/// stored in another text form would silently drop out of every time filter on SQLite.
/// </summary>
public abstract class AppendedRowsTests(LedgerProvider provider)
{
    [Fact]
    public async Task EfCoreReadsBackAndFindsEveryAppendedValue()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ledger = await TestLedger.CreateMigratedAsync(provider, ct);
        using var signer = NoteSigner.Generate(ledger.Origin);
        var appender = new LedgerAppender(signer, TimeProvider.System);

        // Sub-second digits of every length, trailing zeros included, and a whole second.
        var times = new[]
        {
            new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc),
            new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc).AddTicks(1_000_000),
            new DateTime(2026, 11, 26, 9, 30, 0, DateTimeKind.Utc).AddTicks(1_234_560),
            new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990),
        };
        await using (var db = ledger.OpenContext())
        {
            await appender.AppendAsync(db, batch =>
            {
                for (var i = 0; i < times.Length; i++) batch.Add(Draft(i, times[i], withPrompt: i % 2 == 0));
                return Task.CompletedTask;
            }, ct);
        }

        await using var read = ledger.OpenContext();
        for (var i = 0; i < times.Length; i++)
        {
            var time = times[i];
            var entry = await read.Entries.AsNoTracking().SingleAsync(e => e.OccurredAt == time, ct);
            Assert.Equal(($"row-{i}", (long)i, time), (entry.EventId, entry.Sequence, entry.OccurredAt));
            Assert.Equal(1, await read.Entries.CountAsync(e => e.OccurredAt >= time && e.OccurredAt <= time, ct));
            Assert.Equal(i % 2 == 0 ? ("triage", (int?)3) : (null, null), (entry.PromptName, entry.PromptVersion));
            Assert.Equal(i % 2 == 0 ? "gpt-4o" : null, entry.Model);
            Assert.Equal(32, entry.LeafHash.Length);

            var content = await read.Contents.AsNoTracking().SingleAsync(c => c.Sequence == i, ct);
            Assert.Equal(CanonicalJson.Serialize(new JsonObject { ["note"] = $"entry {i}" }), content.Content);
            Assert.Equal(32, content.Salt.Length);
        }
        var recorded = await read.Entries.AsNoTracking().Select(e => e.RecordedAt).Distinct().ToListAsync(ct);
        var seal = await read.Seals.AsNoTracking().SingleAsync(ct);
        Assert.Equal([seal.SealedAt], recorded);
        Assert.Equal(1, await read.Entries.CountAsync(e => e.RecordedAt == seal.SealedAt && e.Sequence == 0, ct));
        Assert.Equal((0L, (long)times.Length, times.Length * 32), (seal.FirstSequence, seal.TreeSize, seal.LeafHashes.Length));
        Assert.NotEmpty(await read.TreeNodes.AsNoTracking().ToListAsync(ct));
    }

    private static EventDraft Draft(int n, DateTime occurredAt, bool withPrompt)
    {
        var fields = new Dictionary<string, JsonNode>();
        if (withPrompt)
        {
            fields["prompt"] = new JsonObject { ["name"] = "triage", ["version"] = 3L };
            fields["model"] = "gpt-4o";
        }
        return new EventDraft
        {
            EventId = $"row-{n}",
            Type = "llm.call",
            OccurredAtUtc = occurredAt,
            Actor = new ActorRef($"user-{n}", ActorKinds.User, $"User {n}"),
            SubmittedBy = new ActorRef("loader", ActorKinds.Service),
            Fields = fields,
            Content = CanonicalJson.Serialize(new JsonObject { ["note"] = $"entry {n}" }),
        };
    }
}

public sealed class SqliteAppendedRowsTests() : AppendedRowsTests(LedgerProvider.Sqlite);

public sealed class PostgresAppendedRowsTests() : AppendedRowsTests(LedgerProvider.Postgres);
