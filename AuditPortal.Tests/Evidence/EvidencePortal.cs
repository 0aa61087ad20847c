using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.Evidence;
using AuditPortal.Reading;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// The real portal on a SQLite ledger with a prompt's history and calls that used it, ingested through
/// the API: the support-reply-style question "which calls used ev-reply v3, and who approved v3".
/// Tests export with exporters of their own, so their jobs do not meet.
/// </summary>
public sealed class EvidencePortal : IAsyncLifetime
{
    public const string Application = "ev-support";
    public const string Prompt = "ev-reply";
    public const int V3Calls = 4;
    /// <summary>A pack of the v3 calls: the calls, plus v3's creation, approval and publication.</summary>
    public const int V3PackEntries = V3Calls + 3;

    public TestLedger Ledger { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;
    public EvidenceJobs Jobs => Portal.Services.GetRequiredService<EvidenceJobs>();
    public EvidenceExporter Exporter => Portal.Services.GetRequiredService<EvidenceExporter>();
    public string EvidenceDirectory => Portal.Services.GetRequiredService<EvidenceJobsLocation>().Directory;

    public async ValueTask InitializeAsync()
    {
        Ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        Portal = new PortalFactory(Ledger);
        await SeedAsync(Portal);
    }

    /// <summary>Three versions of <see cref="Prompt"/> (v3 approved and published by another person), calls of v3 and calls without a prompt.</summary>
    public static async Task SeedAsync(PortalFactory portal)
    {
        using var client = await portal.ClientWithKeyAsync("ev-bot-" + Guid.NewGuid().ToString("N")[..6], ApiKeyScopes.Ingest);
        await Events.PostAsync(client,
            Events.PromptCreated("ev-p1", Prompt, 1, "paula@example.com"),
            Events.PromptCreated("ev-p2", Prompt, 2, "paula@example.com", parent: 1),
            Events.PromptCreated("ev-p3", Prompt, 3, "paula@example.com", parent: 2));
        await Events.PostAsync(client,
            Events.PromptDecision("ev-a3", "prompt.version.approved", Prompt, 3, "quentin@example.com"),
            Events.PromptDecision("ev-pub3", "prompt.version.published", Prompt, 3, "quentin@example.com"));
        var calls = new List<JsonNode>();
        for (var i = 0; i < V3Calls; i++)
            calls.Add(Events.LlmCall($"ev-call-{i}", application: Application, prompt: (Prompt, 3), text: $"Question {i} about cover"));
        for (var i = 0; i < 2; i++)
            calls.Add(Events.LlmCall($"ev-plain-{i}", application: Application, text: $"Plain question {i}"));
        await Events.PostAsync(client, [.. calls]);
    }

    public static EvidenceRequest V3Request(bool includeContent = true) =>
        new(new AuditPortal.Reading.EventQuery { Prompt = Prompt, PromptVersion = 3 }, includeContent);

    /// <summary>What the evidence folder holds for <paramref name="jobId"/>: files and folders, as paths relative to it ('/'-separated), sorted.</summary>
    public IReadOnlyList<string> FilesOf(string jobId) => FilesIn(EvidenceDirectory, jobId);

    public static IReadOnlyList<string> FilesIn(string folder, string jobId) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(folder, p).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(p => p.Contains(jobId, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
            : [];

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}
