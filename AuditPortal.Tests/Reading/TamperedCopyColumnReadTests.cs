using AuditPortal.Data.Ledger;
using AuditPortal.Features.Integrity;
using AuditPortal.Reading;
using AuditPortal.Security;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Tests.Tampering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditPortal.Tests.Reading;

/// <summary>
/// Issue 6 §1: a DBA rewrites a copy column (triggers dropped, envelope untouched) so that a row seems
/// to match a filter. The read path checks each row against its signed envelope: the row is not
/// served, and the alert is counted where readiness shows it.
/// </summary>
public abstract class TamperedCopyColumnReadTests(LedgerProvider provider) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestLedger _ledger = null!;
    private PortalFactory _portal = null!;
    private HttpClient _ingest = null!;
    private HttpClient _reader = null!;

    public async ValueTask InitializeAsync()
    {
        _ledger = await TestLedger.CreateAsync(provider);
        _portal = new PortalFactory(_ledger);
        _ingest = await _portal.ClientWithKeyAsync("support-bot", "ingest");
        _reader = await _portal.ClientWithKeyAsync("auditor", "read");
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _ledger.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<long> PostAsync(System.Text.Json.Nodes.JsonObject e) =>
        (long)(await Events.PostAsync(_ingest, e))["receipts"]![0]!["sequence"]!;

    private async Task<string[]> IdsAsync(string query) =>
        [.. (await Events.GetJsonAsync(_reader, "/api/v1/events?" + query))["events"]!.AsArray().Select(e => (string)e!["id"]!).Order()];

    private async Task<HealthReportEntry> IntegrityCheckAsync()
    {
        // What /health/ready runs: every registered check.
        var report = await _portal.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        return report.Entries[IntegrityHealthCheck.Name];
    }

    [Fact]
    public async Task ARowWhoseActorOrModelColumnWasRewrittenIsNotServedAndDegradesReadiness()
    {
        await PostAsync(Events.LlmCall("mine", actor: "alice@example.com", model: "gpt-4o"));
        var bobs = await PostAsync(Events.LlmCall("bobs", actor: "bob@example.com", model: "claude"));
        Assert.Equal(HealthStatus.Healthy, (await IntegrityCheckAsync()).Status);

        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.SetAsync("ledger_entries", "actor_id", bobs, "alice@example.com");
        await attacker.SetAsync("ledger_entries", "model", bobs, "gpt-4o");

        Assert.Equal(["mine"], await IdsAsync("actor=alice%40example.com"));
        Assert.Equal(["mine"], await IdsAsync("model=gpt-4o&type=llm.call"));
        // Unfiltered, the row is what its envelope says, and is served.
        Assert.Contains("bobs", await IdsAsync("type=llm.call"));

        var alerts = _portal.Services.GetRequiredService<IntegrityAlerts>();
        Assert.Equal(2, alerts.Count);
        Assert.Equal((bobs, "model"), (alerts.Latest!.Sequence, alerts.Latest.What));
        var check = await IntegrityCheckAsync();
        Assert.Equal(HealthStatus.Degraded, check.Status);
        Assert.Equal(2L, check.Data["alerts"]);
        Assert.Equal(bobs, check.Data["latestSequence"]);

        // And where an operator looks: the anonymous readiness endpoint.
        using var anonymous = _portal.CreateClient();
        var ready = System.Text.Json.Nodes.JsonNode.Parse(await anonymous.GetStringAsync("/health/ready", Ct))!;
        Assert.Equal("Degraded", (string)ready["status"]!);
        Assert.Equal("Degraded", (string)ready["checks"]![IntegrityHealthCheck.Name]!["status"]!);
        Assert.Equal(2, (int)ready["checks"]![IntegrityHealthCheck.Name]!["data"]!["alerts"]!);
    }

    [Fact]
    public async Task ARowMovedToAnotherYearIsNotServedForThatYear()
    {
        var moved = await PostAsync(Events.LlmCall("moved", actor: "carol@example.com"));
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.SetAsync("ledger_entries", "occurred_at", moved, new DateTime(2019, 6, 1, 12, 0, 0, DateTimeKind.Utc));

        Assert.Empty(await IdsAsync("from=2019-01-01T00:00:00Z&to=2019-12-31T23:59:59Z"));
        Assert.Equal(1, _portal.Services.GetRequiredService<IntegrityAlerts>().Count);
        Assert.Equal(HealthStatus.Degraded, (await IntegrityCheckAsync()).Status);
    }

    [Fact]
    public async Task AnEventWithoutItsContentRowReadsAsPurgedOnTheTimelineAndTheEventPage()
    {
        var purged = await PostAsync(Events.LlmCall("purged", actor: "dave@example.com"));
        await PostAsync(Events.LlmCall("kept", actor: "dave@example.com"));
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await _ledger.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {purged}");

        var page = (await Events.GetJsonAsync(_reader, "/api/v1/events?actor=dave%40example.com&includeContent=true"))["events"]!.AsArray();
        var reader = ReadActor.From(PortalClaims.Principal("Test", "erin@example.com", null, [PortalRoles.Reviewer]));
        var detail = await _portal.Services.GetRequiredService<EventDetailService>().ReadAsync(purged, reader, "dashboard", Ct);

        Assert.Equal(["kept", "purged"], page.Select(e => (string)e!["id"]!));
        Assert.NotNull(page[0]!["disclosedContent"]);
        Assert.Null(page[1]!["disclosedContent"]);
        Assert.True((bool)page[1]!["contentPurged"]!);
        Assert.Equal("none", (string)page[1]!["purgedBy"]!["reason"]!);
        Assert.Null(page[1]!["purgedBy"]!["tombstone"]);
        Assert.Null(page[0]!["purgedBy"]);
        Assert.True(detail!.ContentPurged);
        Assert.Null(detail.ContentText);
    }

    [Fact]
    public async Task TheEventPageNamesAnEnvelopeEditedWithoutItsLeafHash()
    {
        var edited = await PostAsync(Events.LlmCall("edited", actor: "frank@example.com", model: "gpt-4o"));
        var attacker = new Attacker(_ledger);
        await attacker.DisableTriggersAsync();
        await attacker.EditEnvelopeAsync(edited, "\"model\":\"gpt-4o\"", "\"model\":\"gpt-5o\"", rehash: false);

        var reader = ReadActor.From(PortalClaims.Principal("Test", "erin@example.com", null, [PortalRoles.Reviewer]));
        var detail = await _portal.Services.GetRequiredService<EventDetailService>().ReadAsync(edited, reader, "dashboard", Ct);

        Assert.Equal(["the leaf hash is not the envelope's"], detail!.IntegrityProblems);
        Assert.Equal(1, _portal.Services.GetRequiredService<IntegrityAlerts>().Count);
    }
}

[Collection("sqlite")]
public sealed class SqliteTamperedCopyColumnReadTests() : TamperedCopyColumnReadTests(LedgerProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresTamperedCopyColumnReadTests() : TamperedCopyColumnReadTests(LedgerProvider.Postgres);
