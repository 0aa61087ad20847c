using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Model;
using AuditPortal.Features.ApiKeys;
using AuditPortal.Features.Evidence;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.E2E.Infrastructure;

/// <summary>
/// "All calls that used support-reply v3 last week", sent through the ingestion API as a client service
/// would: a prompt of the evidence flow's own (a unique name, since other tests write to the same
/// portal) with three versions, v3 approved and published by someone other than its author, calls of
/// v3 in the last week and one older. v3's template is hostile spreadsheet text.
/// </summary>
public static class EvidenceSeeding
{
    public const string HostileTemplate = "=HYPERLINK(\"http://evil.example/refund\",\"Click here for your refund\")";

    public static async Task<SeededEvidence> SeedEvidenceAsync(this PortalServer portal)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var prompt = $"support-reply-{tag}";
        using var client = await portal.IngestClientAsync($"e2e-evidence-{tag}");
        var now = DateTimeOffset.UtcNow;

        JsonObject Event(string id, string type, string actor, DateTimeOffset at) => new()
        {
            ["id"] = $"{prompt}-{id}", ["type"] = type, ["occurredAt"] = at.ToString("O"),
            ["actor"] = new JsonObject { ["id"] = actor, ["kind"] = "user" },
        };
        JsonObject Created(int version, string template)
        {
            var e = Event($"v{version}", "prompt.version.created", "paula.author@example.com", now.AddDays(-20).AddHours(version));
            e["prompt"] = new JsonObject { ["name"] = prompt, ["version"] = version, ["template"] = template, ["changeNote"] = $"Version {version}" };
            if (version > 1) e["prompt"]!["parentVersion"] = version - 1;
            return e;
        }
        JsonObject Decided(string what, int hours)
        {
            var e = Event($"{what}-v3", $"prompt.version.{what}", "quentin.approver@example.com", now.AddDays(-19).AddHours(hours));
            e["prompt"] = new JsonObject { ["name"] = prompt, ["version"] = 3 };
            return e;
        }
        JsonObject Call(int i, DateTimeOffset at)
        {
            var e = Event($"call-{i}", "llm.call", "carol@example.com", at);
            e["application"] = "support-bot";
            e["model"] = "gpt-4o";
            e["provider"] = "openai";
            e["prompt"] = new JsonObject { ["name"] = prompt, ["version"] = 3 };
            e["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Is my windscreen covered? ({i})" });
            e["output"] = new JsonArray(new JsonObject { ["role"] = "assistant", ["content"] = "Yes, under section 4." });
            e["status"] = "ok";
            return e;
        }

        await PostAsync(client, Created(1, "Answer politely."), Created(2, "Answer briefly."), Created(3, HostileTemplate));
        await PostAsync(client, Decided("approved", 1), Decided("published", 2));
        // Three calls last week, one a month ago (outside the range the flow exports).
        await PostAsync(client, Call(0, now.AddDays(-1)), Call(1, now.AddDays(-3)), Call(2, now.AddDays(-6)), Call(3, now.AddDays(-30)));
        return new SeededEvidence(prompt, EventFiltersTime(now.AddDays(-7)), EventFiltersTime(now), CallsLastWeek: 3);
    }

    private static string EventFiltersTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static Task PostAsync(HttpClient client, params JsonNode[] events) => client.PostEventsAsync(events);

    /// <summary>
    /// Holds <paramref name="exporterId"/>'s next export when it starts writing entries, on the
    /// exporter's own thread, until released: the progress the page shows then stays long enough to be
    /// looked at and photographed. The real exporter runs before and after.
    /// </summary>
    public static ExportHold HoldExportOf(this PortalServer portal, string exporterId) =>
        new(portal.Services.GetRequiredService<EvidenceJobs>(), exporterId);
}

/// <param name="From">The start of "last week", RFC 3339 UTC.</param>
/// <param name="To">Now, RFC 3339 UTC.</param>
public sealed record SeededEvidence(string Prompt, string From, string To, int CallsLastWeek)
{
    /// <summary>The calls, plus v3's creation, approval and publication.</summary>
    public int PackEntries => CallsLastWeek + 3;
}

public sealed class ExportHold : IDisposable
{
    private readonly EvidenceJobs _jobs;
    private readonly string _exporterId;
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ExportHold(EvidenceJobs jobs, string exporterId)
    {
        _jobs = jobs;
        _exporterId = exporterId;
        jobs.Changed += OnChanged;
    }

    public Task Held => _held.Task.WaitAsync(TimeSpan.FromMinutes(2));

    public void Release() => _release.Set();

    private void OnChanged(EvidenceJob job)
    {
        if (job.ExporterId != _exporterId || job.Progress?.Phase != EvidencePhases.Entries || !_held.TrySetResult()) return;
        _release.Wait(TimeSpan.FromMinutes(2));
    }

    public void Dispose()
    {
        _jobs.Changed -= OnChanged;
        _release.Set();
    }
}
