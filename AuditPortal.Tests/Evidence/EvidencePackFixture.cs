using AuditPortal.Data.Ledger;
using AuditPortal.Data.Signing;
using AuditPortal.Features.Evidence;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.Evidence;

/// <summary>One real pack, exported once from a SQLite portal (a prompt's history and the calls that used it, with content), for the verifier's tests to tamper with copies of.</summary>
public sealed class EvidencePackFixture : IAsyncLifetime
{
    private readonly SqlitePortalFixture _portal = new();

    public PortalFixture Portal => _portal;
    public string Folder { get; } = Directory.CreateTempSubdirectory("evidence-packs-").FullName;
    public string Pack => Path.Combine(Folder, "evidence-fixture.zip");
    public NoteVerifier Key => _portal.Ledger.VerifierKey();
    public NoteSigner LedgerSigner() => NoteSigner.ParsePrivateKeyText(File.ReadAllText(_portal.Ledger.KeyFile));

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await Events.PostAsync(_portal.Ingest,
            Events.PromptCreated("c1", "support-reply", 1, "alice@example.com"),
            Events.PromptDecision("a1", "prompt.version.approved", "support-reply", 1, "bob@example.com"));
        await Events.PostAsync(_portal.Ingest, [.. Enumerable.Range(0, 5).Select(i =>
            Events.LlmCall($"call-{i}", application: "claims", prompt: ("support-reply", 1), text: $"question {i}"))]);
        await _portal.Portal.Services.GetRequiredService<EvidenceExporter>().ExportAsync(
            new EvidenceRequest(EvidenceExportTests.Parse("?application=claims"), IncludeContent: true),
            new ActorRef("mark.manager@example.com", ActorKinds.User), "dashboard", Pack, null, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
