using System.IO.Compression;
using AuditPortal.Data.Evidence;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Projections;
using AuditPortal.Data.Retention;
using AuditPortal.Features.Evidence;
using AuditPortal.Features.Retention;
using AuditPortal.Ledger.Writing;
using AuditPortal.Tests.Evidence;
using AuditPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuditPortal.Tests.Retention.RetentionAdmins;

namespace AuditPortal.Tests.Retention;

/// <summary>
/// The enforcer purges exactly the content the rules allow, under tombstones that explain every purge
/// (as verify will judge it), keeps what a hold keeps, and erases a confirmed subject's content; the
/// first test is the "done means": after a 180-day policy proposed by one admin and confirmed
/// by another purges year-old content, verify passes and reports the purge, held content survives, the
/// API says what purged each content, and an evidence pack exported afterwards verifies.
/// </summary>
public sealed class RetentionEnforcerTests
{

    [Fact]
    public async Task AHoldPlacedWhileAPassRunsKeepsWhatItHoldsAndThePassStartsAgain()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var factory = new PortalFactory(ledger);
        await using var portal = LoggedPortal.Of(factory, log);
        using var ingest = await LoggedPortal.IngestClientAsync(portal, "retention-bot");
        var yearAgo = DateTimeOffset.UtcNow.AddDays(-365);
        var carol = (long)(await Events.PostAsync(ingest, Events.LlmCall("old-carol", "carol@example.com", at: yearAgo)))["receipts"]![0]!["sequence"]!;
        var dave = (long)(await Events.PostAsync(ingest, Events.LlmCall("old-dave", "dave@example.com", at: yearAgo)))["receipts"]![0]!["sequence"]!;
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, new RetentionScope("llm.call", null, null), 180, Ct);
        Assert.True((await retention.ConfirmAsync(Bob, proposal.Id!, Ct)).Succeeded);
        var enforcer = portal.Services.GetRequiredService<RetentionEnforcer>();

        // The pass has read the state; the hold comes after, before its first batch commits.
        var (stale, logSize) = await retention.StateAtAsync(Ct);
        await retention.PlaceHoldAsync(Ada, new HoldScope("carol@example.com", null, null, null, null), "Complaint 17", "legal@example.com", Ct);
        var (purges, changed) = await enforcer.RunAsync(stale, logSize, Ct);

        Assert.True(changed);
        Assert.Equal(0, purges.Sum(p => p.Purged));
        Assert.Equal([carol, dave], await ContentSequencesAsync(ledger, [carol, dave]));
        // The next pass reads the hold and purges only what it does not keep; verify agrees.
        Assert.Equal(1, (await enforcer.RunOnceAsync(Ct)).Sum(p => p.Purged));
        Assert.Equal([carol], await ContentSequencesAsync(ledger, [carol, dave]));
        var verified = await ledger.VerifyAsync();
        Assert.True(verified.Intact, verified.FirstFailure?.ToString());
        // The stale batch is a rule's refusal, not a failed append (which the writer logs as an error).
        Assert.Empty(LoggedPortal.WriterLines(log));
    }

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    public async Task ExpiredContentIsPurgedUnderATombstoneHeldContentStaysAndAConfirmedErasureTakesTheRest(LedgerProvider provider)
    {
        await using var ledger = await TestLedger.CreateAsync(provider);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("retention-bot", "ingest");
        var yearAgo = DateTimeOffset.UtcNow.AddDays(-365);
        var old = new Dictionary<string, long>();
        foreach (var (id, actor) in new[] { ("old-dave-1", "dave@example.com"), ("old-carol", "carol@example.com"), ("old-dave-2", "dave@example.com") })
            old[id] = (long)(await Events.PostAsync(ingest, Events.LlmCall(id, actor, at: yearAgo)))["receipts"]![0]!["sequence"]!;
        var recentDave = (long)(await Events.PostAsync(ingest, Events.LlmCall("recent-dave", "dave@example.com")))["receipts"]![0]!["sequence"]!;
        var recentErin = (long)(await Events.PostAsync(ingest, Events.LlmCall("recent-erin", "erin@example.com")))["receipts"]![0]!["sequence"]!;

        var retention = portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, new RetentionScope("llm.call", null, null), 180, Ct);
        Assert.True((await retention.ConfirmAsync(Bob, proposal.Id!, Ct)).Succeeded);
        await retention.PlaceHoldAsync(Ada, new HoldScope("carol@example.com", null, null, null, null), "Complaint 17", "legal@example.com", Ct);
        var enforcer = portal.Services.GetRequiredService<RetentionEnforcer>();

        var first = Assert.Single(await enforcer.RunOnceAsync(Ct));
        Assert.Equal((2L, 1L), (first.Purged, first.Held));
        Assert.Equal([old["old-carol"], recentDave, recentErin], await ContentSequencesAsync(ledger, old.Values.Append(recentDave).Append(recentErin)));
        Assert.Equal(0, (await enforcer.RunOnceAsync(Ct)).Sum(p => p.Purged));

        var erasure = await retention.ProposeErasureAsync(Ada, "dave@example.com", "TICKET-9", Ct);
        await retention.ConfirmAsync(Bob, erasure.Id!, Ct);
        var second = await enforcer.RunOnceAsync(Ct);
        Assert.Equal(1, second.Single(p => p.Authority.StartsWith("erasure")).Purged);
        Assert.Equal([old["old-carol"], recentErin], await ContentSequencesAsync(ledger, old.Values.Append(recentDave).Append(recentErin)));

        // Every purge is explained by a tombstone, as verify judges it; a deletion without one is not.
        var authority = await AuthorityAsync(ledger);
        Assert.Equal(2, authority.Tombstones.Count);
        foreach (var sequence in new[] { old["old-dave-1"], old["old-dave-2"], recentDave })
            Assert.Null(authority.Unexplained(await FactsAsync(ledger, sequence)));
        Assert.Equal(new Dictionary<string, long> { [first.Authority] = 2, [second.Single(p => p.Purged > 0).Authority] = 1 }, authority.PurgedBy);
        Assert.StartsWith("content missing (no tombstone)", authority.Unexplained(await FactsAsync(ledger, recentErin)));

        // verify passes after the purges and reports them by what authorised them.
        var verified = await ledger.VerifyAsync();
        Assert.True(verified.Intact, verified.FirstFailure?.ToString());
        Assert.Equal(authority.PurgedBy, verified.Purged);
        Assert.Contains($"purged=3 ({second.Single(p => p.Purged > 0).Authority}: 1, {first.Authority}: 2)", verified.Summary());

        // The API says what purged each content: the policy in the version it applied, when, under which tombstone; held content is disclosed.
        var policy = Assert.Single((await retention.StateAsync(Ct)).Policies);
        var byPolicy = authority.Tombstones.Single(t => t.PolicyId is not null);
        var byErasure = authority.Tombstones.Single(t => t.ErasureId is not null);
        using var reader = await portal.ClientWithKeyAsync("retention-reader", "read");
        var served = (await Events.GetJsonAsync(reader, "/api/v1/events?application=support-bot&includeContent=true"))["events"]!.AsArray()
            .ToDictionary(e => (long)e!["sequence"]!, e => e!);
        foreach (var id in new[] { "old-dave-1", "old-dave-2" })
        {
            var purgedBy = served[old[id]]["purgedBy"]!;
            Assert.True((bool)served[old[id]]["contentPurged"]!);
            Assert.Equal(("policy", policy.Id, policy.Version, 180, byPolicy.Sequence), ((string)purgedBy["reason"]!, (string)purgedBy["policy"]!,
                (long)purgedBy["policyVersion"]!, (int)purgedBy["days"]!, (long)purgedBy["tombstone"]!));
            Assert.Equal(byPolicy.AppliedAtUtc, DateTime.Parse((string)purgedBy["purgedAt"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal));
            Assert.Equal($"purged under retention policy {policy.Id} (180 days) on {byPolicy.AppliedAtUtc:yyyy-MM-dd} (tombstone {byPolicy.Sequence})",
                (string)purgedBy["description"]!);
        }
        Assert.Equal(("erasure", byErasure.ErasureId, byErasure.Sequence), ((string)served[recentDave]["purgedBy"]!["reason"]!,
            (string)served[recentDave]["purgedBy"]!["erasure"]!, (long)served[recentDave]["purgedBy"]!["tombstone"]!));
        Assert.NotNull(served[old["old-carol"]]["disclosedContent"]);
        Assert.Null(served[old["old-carol"]]["purgedBy"]);

        // An evidence pack exported afterwards verifies, and lists the purged events, without their content, saying what purged it.
        var folder = Directory.CreateTempSubdirectory("retention-pack-").FullName;
        try
        {
            var destination = Path.Combine(folder, "after-retention.zip");
            var pack = await portal.Services.GetRequiredService<EvidenceExporter>().ExportAsync(
                new EvidenceRequest(EvidenceExportTests.Parse("?application=support-bot"), IncludeContent: true),
                new ActorRef("mark.manager@example.com", ActorKinds.User), "dashboard", destination, null, Ct);
            Assert.Equal((5, 3), (pack.Counts.Events, pack.Counts.PurgedContents));
            Assert.Equal(PackOutcome.Passed, EvidencePackVerifier.Verify(destination, ledger.VerifierKey()).Outcome);
            using var zip = ZipFile.OpenRead(destination);
            Assert.Equal([old["old-carol"], recentErin], EvidenceExportTests.Lines(zip, EvidencePackFormat.Contents).Select(c => (long)c["sequence"]!).Order());
            using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(EvidenceExportTests.Bytes(zip, EvidencePackFormat.Workbook)));
            var contentState = workbook.Worksheet("Events").RowsUsed().Skip(1).ToDictionary(r => (long)r.Cell(1).GetDouble(), r => r.Cell(17).GetString());
            Assert.Equal(5, contentState.Count);
            foreach (var id in new[] { "old-dave-1", "old-dave-2" })
                Assert.Equal(byPolicy.Purged(), contentState[old[id]]);
            Assert.Equal(byErasure.Purged(), contentState[recentDave]);
            Assert.Equal("disclosed", contentState[old["old-carol"]]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // A content row deleted without a tombstone is still tampering.
        await new Tampering.Attacker(ledger).DisableTriggersAsync();
        await ledger.ExecuteAsync($"DELETE FROM ledger_contents WHERE sequence = {recentErin}");
        var tampered = await ledger.VerifyAsync();
        Assert.Equal(recentErin, tampered.FirstFailure!.Sequence);
        Assert.Equal(Data.Verification.FailureKind.ContentMissing, tampered.FirstFailure.Kind);
    }

    [Fact]
    public async Task ATombstoneOverAHeldEventOrAnUnexpiredOneIsNotAnExplanation()
    {
        await using var ledger = await TestLedger.CreateAsync(LedgerProvider.Sqlite);
        await using var portal = new PortalFactory(ledger);
        using var ingest = await portal.ClientWithKeyAsync("retention-bot", "ingest");
        var held = (long)(await Events.PostAsync(ingest, Events.LlmCall("held", "carol@example.com", at: DateTimeOffset.UtcNow.AddDays(-400))))["receipts"]![0]!["sequence"]!;
        var young = (long)(await Events.PostAsync(ingest, Events.LlmCall("young", "dave@example.com")))["receipts"]![0]!["sequence"]!;
        var retention = portal.Services.GetRequiredService<RetentionService>();
        var proposal = await retention.ProposePolicyAsync(Ada, RetentionScope.Default, 180, Ct);
        await retention.ConfirmAsync(Bob, proposal.Id!, Ct);
        await retention.PlaceHoldAsync(Ada, new HoldScope("carol@example.com", null, null, null, null), "Complaint 17", "legal@example.com", Ct);
        var policy = Assert.Single((await retention.StateAsync(Ct)).Policies);

        // The portal's own writer, told to purge what the rules forbid (as a compromised instance might).
        await portal.Services.GetRequiredService<AuditPortal.Ledger.Writing.PortalEventRecorder>().RecordAsync(
            new AuditPortal.Ledger.Writing.PortalEvent(RetentionLedger.AppliedType, PortalAccount.Recorder, RetentionTombstone.PolicyAttributes(policy, [held, young]))
            {
                SubmittedBy = PortalAccount.Recorder,
                Project = (db, ct) => db.Contents.Where(c => c.Sequence == held || c.Sequence == young).ExecuteDeleteAsync(ct),
            }, Ct);

        var authority = await AuthorityAsync(ledger);
        Assert.Contains("legal hold", authority.Unexplained(await FactsAsync(ledger, held)));
        Assert.Contains("younger than the policy's 180 days", authority.Unexplained(await FactsAsync(ledger, young)));
        var verified = await ledger.VerifyAsync();
        Assert.Equal(held, verified.FirstFailure!.Sequence);
        Assert.Contains("legal hold", verified.FirstFailure.Reason);
    }

    private static async Task<List<long>> ContentSequencesAsync(TestLedger ledger, IEnumerable<long> among)
    {
        var wanted = among.ToList();
        await using var db = ledger.OpenContext();
        return await db.Contents.AsNoTracking().Where(c => wanted.Contains(c.Sequence)).OrderBy(c => c.Sequence).Select(c => c.Sequence).ToListAsync(Ct);
    }

    private static async Task<PurgeAuthority> AuthorityAsync(TestLedger ledger)
    {
        await using var db = ledger.OpenContext();
        var envelopes = await db.Entries.AsNoTracking()
            .Where(e => (e.Type == LedgerEventTypes.ConfigChanged || e.Type == RetentionLedger.AppliedType) && e.SubmittedBy == PortalAccount.Recorder.Id)
            .OrderBy(e => e.Sequence).Select(e => e.Envelope).ToListAsync(Ct);
        return new PurgeAuthority(envelopes.Select(e => ProjectedEvent.TryRead(e)).OfType<ProjectedEvent>());
    }

    private static async Task<PurgedEventFacts> FactsAsync(TestLedger ledger, long sequence)
    {
        await using var db = ledger.OpenContext();
        return PurgedEventFacts.TryRead(await db.Entries.AsNoTracking().Where(x => x.Sequence == sequence).Select(x => x.Envelope).SingleAsync(Ct))!;
    }
}
