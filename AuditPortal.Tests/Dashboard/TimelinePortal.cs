using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Tests.Dashboard;

/// <summary>
/// The real portal on a SQLite ledger with events ingested through the API for the timeline and
/// access log page tests. Each test reads only its own application's events (or its own reader's
/// accesses), so tests that add to the ledger do not disturb the others.
/// </summary>
public sealed class TimelinePortal : IAsyncLifetime
{
    public const string Application = "tl-support";
    public const string HostileActor = "<script>alert(1)</script>@example.com";
    public const string HostileApplication = "<img src=x onerror=alert(1)>";

    public TestLedger Ledger { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;

    /// <summary>The seeded calls of <see cref="Application"/>, newest first: (sequence, model, actor).</summary>
    public IReadOnlyList<(long Sequence, string Model, string Actor)> Calls { get; private set; } = [];
    public long HostileSequence { get; private set; }
    public DateTimeOffset Start { get; } = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync()
    {
        Ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        Portal = new PortalFactory(Ledger);
        using var client = await Portal.ClientWithKeyAsync("timeline-tests", ApiKeyScopes.Ingest);
        var calls = new List<(string Id, string Model, string Actor, DateTimeOffset At)>();
        for (var i = 0; i < 8; i++)
            calls.Add(($"tl-{i}", i % 2 == 0 ? "gpt-4o" : "claude-sonnet", i % 3 == 0 ? "carol@example.com" : "dave@example.com", Start.AddMinutes(i)));
        var receipts = await Events.PostAsync(client, [.. calls.Select(c => (JsonNode)Events.LlmCall(c.Id, actor: c.Actor, model: c.Model,
            application: Application, at: c.At, text: $"question {c.Id}"))]);
        var sequences = receipts["receipts"]!.AsArray().Select(r => (long)r!["sequence"]!).ToList();
        Calls = [.. calls.Select((c, i) => (sequences[i], c.Model, c.Actor)).Reverse()];
        var hostile = await Events.PostAsync(client, Events.LlmCall("tl-hostile", actor: HostileActor, application: HostileApplication, at: Start.AddDays(-1)));
        HostileSequence = (long)hostile["receipts"]![0]!["sequence"]!;
    }

    /// <summary>Access events recorded for <paramref name="reader"/> so far.</summary>
    public async Task<int> AccessesByAsync(string reader)
    {
        await using var db = Ledger.OpenContext();
        return await db.Entries.CountAsync(e => e.Type == "access" && e.ActorId == reader);
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}
